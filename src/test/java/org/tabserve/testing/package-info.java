/**
 * What many packages' tests share ({@code Http}, {@code TabserveProcess}, {@code ModelDirectory}, {@code BankNotes},
 * {@code Multipart}, ...). The tests mirror the main packages: each test is in the package of the code it tests (a
 * route test in its handler's: {@code web.api}, {@code web.mlflow}, {@code web.v2}, {@code web.v2.grpc},
 * {@code web.pages}, {@code web.openapi}, {@code web.http}; live drift in {@code serving.monitor}, the prediction log
 * in {@code serving}). The tests of the whole app (hostile, memory, many models, the route table) are in
 * {@code org.tabserve.web}, the wiring's and the whole project's ({@code ArchitectureTest}, {@code TestSeamTest},
 * {@code WarContentsIT}) at the root, and those of {@code deploy/}, {@code docs/}, {@code bench/} and
 * {@code src/train/} in {@code deploy}, {@code docs}, {@code bench} and {@code train}. {@code *IT} classes run in
 * {@code mvn verify}, most against the packaged WAR.
 */
package org.tabserve.testing;
