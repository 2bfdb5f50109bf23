/**
 * Models from object storage ({@code --models s3://BUCKET/PREFIX}, or one object {@code --model s3://BUCKET/KEY.onnx}
 * looked at by {@code OneObject}): {@link org.tabserve.repository.s3.S3Mirror}
 * mirrors a bucket's models into an owner-only cache folder in a {@code --models} directory's layout (keys read by
 * {@code ObjectKeys}: ONNX files, a model in its library's own file, an MLflow model's folder taken whole by
 * {@code StoreListing}; each download bounded and its SHA-256 checked and recorded by {@code CacheFolder}), which the
 * repository then scans, loads and swaps as it does a local directory. The one package that names the AWS SDK, opened
 * by the wiring only for an {@code s3://} location, so that the SDK's classes load only then.
 */
package org.tabserve.repository.s3;
