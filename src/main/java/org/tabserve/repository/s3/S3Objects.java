package org.tabserve.repository.s3;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.tabserve.outbound.OutboundRead;
import org.tabserve.outbound.ReadAbandoned;
import org.tabserve.outbound.ReadBound;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The requests a store's mirror sends, through the AWS SDK's S3 client over the JDK's HttpURLConnection: listings a
 * page at a time, and downloads of the exact object a listing saw ({@code If-Match} its ETag). Every failure is told
 * in words of its kind (no answer, or the status and S3's error code), never the SDK's message, which may carry a
 * request's signing details; each request is counted. Every read is bounded ({@link StoreReads}): a listing page, a
 * HEAD and a digest by the SDK's call timeout at {@value StoreReads#READ_DEADLINE}, an object's body by its
 * {@link OutboundRead}, which aborts the stream past {@value StoreReads#DOWNLOAD_DEADLINE} or below
 * {@value StoreReads#MIN_READ_RATE}; a read abandoned is counted ({@link #abandoned()}).
 */
final class S3Objects implements AutoCloseable {

    /** Keys a listing page asks for: S3's own most. */
    static final int PAGE_KEYS = 1000;

    /** The largest {@code .sha256} object read: a digest and a file name. */
    static final long MAX_DIGEST_BYTES = 4096;

    /** A listed object. */
    record Listed(String key, String etag, long size) {}

    /** A request that failed, said in words without credentials. */
    static final class StoreFailure extends Exception {
        StoreFailure(String words) {
            super(words, null, false, false);
        }
    }

    private final S3Client client;
    private final S3Location location;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final ReadBound listing;
    private final ReadBound head;
    private final ReadBound digest;
    private final ReadBound download;

    S3Objects(S3Client client, S3Location location, StoreReads reads) {
        this.client = client;
        this.location = location;
        this.listing = reads.listing();
        this.head = listing.named("a HEAD of the object");
        this.digest = listing.named("its " + ObjectKeys.DIGEST_SUFFIX);
        this.download = reads.download();
    }

    /**
     * A client for {@code location}: the default credentials chain (environment, profile, web identity), the default
     * region chain (else {@code us-east-1}, which S3 servers of other makes accept), and with {@code endpoint} that
     * server, addressed path-style.
     */
    static S3Objects open(S3Location location, Optional<URI> endpoint, StoreReads reads) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30))
                        .build())
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .region(region())
                // Checked by tabserve's own SHA-256 where it matters; S3 servers of other makes send no CRCs.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        endpoint.ifPresent(uri -> builder.endpointOverride(uri).forcePathStyle(true));
        return new S3Objects(builder.build(), location, reads);
    }

    /**
     * @return {@code text} as another S3 server's endpoint
     * @throws IllegalArgumentException in words, when it is not {@code http(s)://HOST[:PORT]} or carries credentials
     */
    static URI endpoint(String text) {
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the S3 endpoint is not a URL: http(s)://HOST[:PORT]", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getUserInfo() != null) {
            throw new IllegalArgumentException("the S3 endpoint must be http(s)://HOST[:PORT], without credentials"
                    + " (they come from the environment, a profile or a web identity)");
        }
        return uri;
    }

    private static Region region() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            return Region.US_EAST_1;
        }
    }

    /**
     * Lists the keys under the location's prefix followed by {@code start}, page by page, handing each object to
     * {@code each} (so a listing of many keys holds one page at a time).
     *
     * @throws StoreFailure when a page cannot be had
     */
    void list(String start, Consumer<Listed> each) throws StoreFailure {
        String token = null;
        do {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
                    .bucket(location.bucket())
                    .prefix(location.prefix() + start)
                    .maxKeys(PAGE_KEYS)
                    .overrideConfiguration(o -> o.apiCallTimeout(listing.deadline()));
            if (token != null) {
                request.continuationToken(token);
            }
            ListObjectsV2Response page = call(listing, () -> client.listObjectsV2(request.build()));
            for (S3Object object : page.contents()) {
                each.accept(new Listed(object.key(), object.eTag(), object.size()));
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
    }

    /**
     * Looks at the one object {@code key} without reading it (a HEAD request): with {@code known}, conditionally
     * ({@code If-None-Match} its ETag), so that an unchanged object is answered 304 and costs no download.
     *
     * @return the object as it is now ({@code known} itself when unchanged); empty when the store has no such object
     *         (404)
     * @throws StoreFailure when the store refuses otherwise or does not answer
     */
    Optional<Listed> head(String key, Optional<Listed> known) throws StoreFailure {
        HeadObjectRequest.Builder request = HeadObjectRequest.builder()
                .bucket(location.bucket())
                .key(key)
                .overrideConfiguration(o -> o.apiCallTimeout(head.deadline()));
        known.ifPresent(k -> request.ifNoneMatch(k.etag()));
        requests.incrementAndGet();
        OutboundRead read = head.begin();
        try (read) {
            HeadObjectResponse found = client.headObject(request.build());
            return Optional.of(new Listed(key, found.eTag(), found.contentLength()));
        } catch (S3Exception e) {
            if (e.statusCode() == 304 && known.isPresent()) {
                return known; // not modified: the SDK throws for what S3 answers as a success
            }
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            failures.incrementAndGet();
            throw new StoreFailure(words(e));
        } catch (SdkException e) {
            throw failed(read, e);
        }
    }

    /**
     * Downloads {@code object} as listed (it fails if it changed since) into {@code into}.
     *
     * @throws StoreFailure when the store refuses or does not answer
     * @throws IOException  when the bytes cannot be written, or are not the listed size
     */
    CacheFolder.Written download(Listed object, CacheFolder into, String path) throws StoreFailure, IOException {
        OutboundRead read = download.begin();
        ResponseInputStream<GetObjectResponse> in = get(object, read, download);
        boolean whole = false;
        try (read) {
            read.watch(in::abort); // frees this thread from a store that stops sending
            CacheFolder.Written written = into.write(path, read.body(in), object.size());
            bytes.addAndGet(written.size());
            whole = true;
            return written;
        } catch (ReadAbandoned e) {
            throw failed(e);
        } catch (SdkException e) {
            throw failed(read, e);
        } finally {
            close(in, whole);
        }
    }

    /** Closes a body read whole; aborts one cut short, so that its connection is not kept (nor drained). */
    private static void close(ResponseInputStream<GetObjectResponse> in, boolean whole) {
        try {
            if (!whole) {
                in.abort();
            }
            in.close();
        } catch (IOException | RuntimeException e) {
            // the connection goes either way
        }
    }

    /**
     * @return the text of a small object (a {@code .sha256}), at most {@link #MAX_DIGEST_BYTES}
     * @throws StoreFailure when the store refuses or does not answer, or the object is larger
     */
    String text(Listed object) throws StoreFailure {
        if (object.size() > MAX_DIGEST_BYTES) {
            throw new StoreFailure(
                    "it is " + object.size() + " bytes, more than the " + MAX_DIGEST_BYTES + " a digest file may be");
        }
        OutboundRead read = digest.begin();
        ResponseInputStream<GetObjectResponse> got = get(object, read, digest);
        boolean whole = false;
        try (read) {
            read.watch(got::abort);
            byte[] content = read.body(got).readNBytes((int) MAX_DIGEST_BYTES + 1);
            bytes.addAndGet(content.length);
            whole = content.length <= MAX_DIGEST_BYTES;
            return new String(content, 0, (int) Math.min(content.length, MAX_DIGEST_BYTES), StandardCharsets.UTF_8);
        } catch (ReadAbandoned e) {
            throw failed(e);
        } catch (SdkException e) {
            throw failed(read, e);
        } catch (IOException e) {
            failures.incrementAndGet();
            throw new StoreFailure("reading it failed (" + e.getClass().getSimpleName() + ")");
        } finally {
            close(got, whole);
        }
    }

    /** Asks for {@code object}'s body: its answer's head within {@code bound}'s deadline (the SDK's call timeout). */
    private ResponseInputStream<GetObjectResponse> get(Listed object, OutboundRead read, ReadBound bound)
            throws StoreFailure {
        GetObjectRequest.Builder request = GetObjectRequest.builder()
                .bucket(location.bucket())
                .key(object.key())
                .overrideConfiguration(o -> o.apiCallTimeout(bound.deadline()));
        if (object.etag() != null) {
            request.ifMatch(object.etag());
        }
        try {
            return call(bound, read, () -> client.getObject(request.build()));
        } catch (StoreFailure e) {
            read.close();
            throw e;
        }
    }

    /** Sends one request under {@code bound}, as one read of its own. */
    private <T> T call(ReadBound bound, java.util.function.Supplier<T> request) throws StoreFailure {
        try (OutboundRead read = bound.begin()) {
            return call(bound, read, request);
        }
    }

    private <T> T call(ReadBound bound, OutboundRead read, java.util.function.Supplier<T> request) throws StoreFailure {
        requests.incrementAndGet();
        try {
            return request.get();
        } catch (SdkException e) {
            throw failed(read, e);
        }
    }

    /** @return a failed request, counted, in words: how its read was abandoned, or what the SDK threw */
    private StoreFailure failed(OutboundRead read, SdkException e) {
        failures.incrementAndGet();
        return new StoreFailure(abandoned(read).orElseGet(() -> words(e)));
    }

    /** @return a read abandoned at its deadline or below its rate, counted, in words naming its setting */
    private StoreFailure failed(ReadAbandoned e) {
        failures.incrementAndGet();
        return new StoreFailure("it was abandoned: " + e.getMessage());
    }

    /**
     * @return why {@code read} was abandoned (counted then), in words naming its setting, when the SDK's call timeout
     *         cut it at its deadline; empty when it failed otherwise
     */
    private static Optional<String> abandoned(OutboundRead read) {
        try {
            read.check();
            return Optional.empty();
        } catch (ReadAbandoned e) {
            return Optional.of("it was abandoned: " + e.getMessage());
        }
    }

    /** @return how many reads from the store were abandoned, past their deadline or below their rate */
    long abandoned() {
        return listing.abandoned() + download.abandoned();
    }

    /** What went wrong, in words of its kind: never the SDK's message, which may carry signing details. */
    static String words(SdkException e) {
        if (e instanceof S3Exception s3) {
            String code =
                    s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            return "the store answered " + s3.statusCode()
                    + (code == null ? "" : " " + S3Location.shown(code))
                    + (s3.statusCode() == 403 ? " (check the credentials and the bucket's policy)" : "")
                    + (s3.statusCode() == 412 ? " (the object changed while it was read; it is read again)" : "");
        }
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof java.io.IOException) {
            return "the store did not answer (" + cause.getClass().getSimpleName() + ")";
        }
        return "no request could be made (" + cause.getClass().getSimpleName() + "): check the credentials"
                + " (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a web identity) and the region";
    }

    long requests() {
        return requests.get();
    }

    long failures() {
        return failures.get();
    }

    long bytes() {
        return bytes.get();
    }

    @Override
    public void close() {
        client.close();
    }
}
