/**
 * Who may write or read a file the server trusts (the API keys file, the model cache, the TLS key): the JDK alone, so
 * that the launcher and the web app ask it the same questions.
 */
package org.tabserve.files;
