/**
 * Who may write or read a file the server trusts (the API keys file, the model cache, the TLS key), and the same
 * checks for the files it writes (the audit log, the prediction log: {@link org.tabserve.files.WrittenFile}): the JDK
 * alone, so that the launcher and the web app ask it the same questions.
 */
package org.tabserve.files;
