# tabserve on the official Jetty image's jetty-home, on the official Temurin 17 JRE: build the WAR with Maven, deploy it
# as the root web app of a Jetty 12.1 base.
#
#   docker build -t tabserve .
#   docker run --rm -p 8080:8080 --read-only --tmpfs /tmp:rw,exec,size=512m tabserve
#   docker run --rm -p 8080:8080 --read-only --tmpfs /tmp:rw,exec,size=512m -v "$PWD/models:/models:ro" tabserve
#
# The second serves every model in ./models (docs/operations.md, "A directory of models", has the layouts); the first, the model
# bundled in the WAR. deploy/entrypoint.sh decides, by whether /models exists (the image has none of its own).
#
# The Jetty image's tag's version (and JETTY_VERSION) is the jetty-home version the integration tests run (pom.xml
# `jetty.version`), and the JETTY_BASE is built by deploy/jetty-base.sh, which the tests run too;
# DeploymentConsistencyTest checks both. Every FROM names a tag the official repositories publish (ImageBaseTagsTest).

# --- build: Maven + Temurin 17 ------------------------------------------------------------------------------------
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies and plugins first, in a layer of their own: it is rebuilt only when pom.xml changes. go-offline, and
# what it leaves out that the build needs (pom.xml, execution image-offline); the build below runs offline (-o), so
# a dependency layer that lacks anything fails the image's build rather than downloading it on every code change.
COPY pom.xml ./
# Maven's own JVM options (.mvn/jvm.config: C1 alone and the serial collector, half the CPU of a build).
COPY .mvn ./.mvn
RUN mvn -B -ntp dependency:go-offline dependency:copy@image-offline && rm -rf target
# go-offline resolves each dependency's own tree, not the project's graph as the build resolves it (pom.xml's
# dependencyManagement and nearest-wins): the versions the build picks (gson 2.12.1, guava 33.5.0-android,
# snappy-java 1.1.10.8) are fetched by resolving that graph, in every scope.
RUN mvn -B -ntp dependency:resolve
# Every input of the main build: the model it bundles, the web app's files, the sources and resources, the Python
# client it serves (pom.xml's resources; DeploymentConsistencyTest checks the list) and the model core's POM
# (src/core, which `package` writes beside the core's jar).
COPY model.onnx ./
COPY webapp ./webapp
COPY clients/python ./clients/python
COPY src/main ./src/main
COPY src/core ./src/core
# Tests run in CI (`mvn verify`), not in the image build; nor does target/tabserve.jsa, the archive of `java -jar` at
# the build's path: the image makes its own for its Jetty base below.
RUN mvn -B -ntp -o -Dmaven.test.skip=true -Dtabserve.cds.skip=true package

# --- base: the Jetty base, put together on the official Jetty image's JDK -----------------------------------------
# The run stage's image has a JRE, with neither jar nor unzip to take files out of the WAR and the jars: the
# JETTY_BASE is made here, on the Jetty image of the same jetty-home (its JDK has jar), and the run stage copies the
# result. The run stage also takes that image's jetty-home and entrypoint scripts (below).
FROM jetty:12.1.12-jdk17-eclipse-temurin AS jetty
FROM jetty AS base
USER root
COPY deploy/jetty-base.sh deploy/unpack-war.sh /opt/tabserve/
# ONNX Runtime is loaded once, by Jetty, from lib/ext (SHARED_ONNXRUNTIME=1), so a hot redeploy of the web app does not
# load its native library again. The jar is the WAR's own (same build); it comes before the script, which puts it on
# the class path in jetty.start.
COPY --from=build /src/target/tabserve/WEB-INF/lib/onnxruntime-*.jar /var/lib/jetty/lib/ext/
# gRPC on port 8080: the script's tabserve-h2c module serves HTTP/2 cleartext with the launcher's prior-knowledge-only
# factory, from the WAR's own launcher jar, which must be in lib/tabserve before the script too.
COPY --from=build /src/target/tabserve/WEB-INF/lib-jetty/tabserve-launcher.jar /var/lib/jetty/lib/tabserve/
# Adds the modules and settings the WAR needs to the Jetty image's JETTY_BASE (/var/lib/jetty) and writes jetty.start.
RUN SHARED_ONNXRUNTIME=1 bash /opt/tabserve/jetty-base.sh "$JETTY_HOME" "$JETTY_BASE"
# The web app unpacked now, into webapps/ROOT/ (deploy/unpack-war.sh, as the tests' bases have it), not by Jetty at
# every start into java.io.tmpdir: with `--tmpfs /tmp` that was 113 MB of the container's memory. The WAR itself stays
# in this stage: nothing in the image runs it (the KServe runtimes start the Jetty base too, deploy/kserve/).
COPY --from=build /src/target/tabserve.war /tmp/tabserve.war
RUN bash /opt/tabserve/unpack-war.sh "$JETTY_BASE" /tmp/tabserve.war
# What no start reads stays out of the image: the web app's own ONNX Runtime jar (ai.onnxruntime. is a protected class
# under SHARED_ONNXRUNTIME=1, so Jetty's lib/ext copy is the one loaded) and, in that copy, the native libraries of
# every platform (54 MB: ONNX Runtime loads this machine's from lib/onnxruntime-native, which the script took out of
# it). Then each part the run stage copies goes to a folder of its own under /layers, so that the layers of ONNX
# Runtime's bytes stay cached while the web app changes.
RUN set -e; cd "$JETTY_BASE"; \
    rm webapps/ROOT/WEB-INF/lib/onnxruntime-*.jar; \
    ort=$(ls lib/ext/onnxruntime-*.jar); mkdir /tmp/onnxruntime; \
    (cd /tmp/onnxruntime && jar xf "$JETTY_BASE/$ort" && rm -r ai/onnxruntime/native); \
    rm "$ort"; jar --create --file "$ort" --manifest /tmp/onnxruntime/META-INF/MANIFEST.MF -C /tmp/onnxruntime .; \
    rm -r /tmp/onnxruntime; mkdir -p /layers/onnxruntime/lib /layers/webapp/webapps; \
    mv lib/ext lib/onnxruntime-native /layers/onnxruntime/lib/; mv webapps/ROOT /layers/webapp/webapps/

# --- run: the official Temurin 17 JRE, made a Jetty image as Jetty's own JRE images are, run as the user `jetty` -----
# Jetty publishes no JRE image of 12.1: jetty/jetty.docker (the official images' source) has eclipse-temurin/12.1/jdk17,
# jdk21 and jdk25 (and their -alpine), and the jre17 and jre21 variants only up to 12.0 (eclipse-temurin/12.0/jre17/
# Dockerfile), so `FROM jetty:12.1.12-jre17-eclipse-temurin` is "manifest unknown" on Docker Hub. This stage takes
# the steps of that jre17 Dockerfile on the same base, eclipse-temurin:17-jre: the same ENV, a system group and user
# `jetty` (useradd -r: uid 999) owning JETTY_BASE and TMPDIR, its home JETTY_BASE, WORKDIR, USER, ENTRYPOINT and CMD;
# its jetty-home (which that Dockerfile fetches from Maven Central and checks against the Jetty committers' GPG
# keys) and its docker-entrypoint.sh and generate-jetty-start.sh are copied from the official 12.1.12 image above,
# whose build did the same. JETTY_VERSION must be that image's: the entrypoint compares it with jetty.start's.
FROM eclipse-temurin:17-jre
ENV JETTY_VERSION=12.1.12
ENV JETTY_HOME=/usr/local/jetty
ENV JETTY_BASE=/var/lib/jetty
ENV TMPDIR=/tmp/jetty
ENV PATH=$JETTY_HOME/bin:$PATH
RUN set -e; groupadd -r jetty && useradd -r -g jetty jetty; mkdir -p "$JETTY_BASE" "$TMPDIR"; \
    chown jetty:jetty "$JETTY_BASE" "$TMPDIR"; usermod -d "$JETTY_BASE" jetty
COPY --from=jetty --chown=jetty:jetty /usr/local/jetty /usr/local/jetty
COPY --from=jetty /docker-entrypoint.sh /generate-jetty-start.sh /
WORKDIR $JETTY_BASE
USER jetty
COPY deploy/healthcheck.sh deploy/entrypoint.sh deploy/cds-archive.sh /opt/tabserve/
COPY --from=base --chown=jetty:jetty /layers/onnxruntime/ /var/lib/jetty/
COPY --from=base --chown=jetty:jetty /var/lib/jetty/ /var/lib/jetty/
COPY --from=base --chown=jetty:jetty /layers/webapp/ /var/lib/jetty/

# An OutOfMemoryError ends the JVM at once, so the container restarts cleanly: after one, any thread may have died
# half-way, including one inside ONNX Runtime's native code. tabserve's memory budget keeps the heap from it; the
# container's limit (the kernel's OOM killer, 137) is held by what is outside the heap staying off the memory: the web
# app unpacked in the image (above) and the temporary files on disk (below). Measured under the documented
# `--read-only --tmpfs /tmp:rw,exec --memory 300m`, 32 concurrent uploads of 200 MiB (the default
# tabserve.max-upload-bytes at tabserve.max-concurrent-uploads) peaked at 193 MiB resident (rss) and 0 in tmpfs, the rest
# of the 300 MiB page cache the kernel took back; the container lived (deploy/image/build-and-check.sh checks it).
# Memory: a fixed 128 MB heap with the serial collector and at most two glibc malloc arenas keeps resident memory
# under load at about 280–300 MB (bench/memory, bench/run; bench/RESULTS.notes.md "Memory with the shipped settings")
# at no cost in CPU per request. A fixed -Xmx rather than -XX:MaxRAMPercentage: without a container memory limit the
# percentage is of the host's RAM, and with one it hands the heap what ONNX Runtime's sessions (native, outside the
# heap) need. Raise -Xmx for large uploads or batches, and the container's limit by as much.
ENV JAVA_OPTIONS="-Xmx128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
ENV MALLOC_ARENA_MAX=2
# AppCDS: one training start of the base as it is now (these JAVA_OPTIONS, this web app, this JRE) writes every class it
# loads to an archive, which every start of the container then maps instead of loading, linking and verifying
# Jetty's and the web app's classes again (bench/RESULTS.notes.md "Issue 25, goal 5"; Java 17 cannot write it on
# the fly; -XX:ArchiveClassesAtExit is the JVM's own, no JDK tool, so the JRE writes it). The archive holds only for
# this JRE and these jars: change JAVA_OPTIONS at `docker run` and keep -XX:SharedArchiveFile in them; a stale or
# missing archive only costs the time it saved.
RUN bash /opt/tabserve/cds-archive.sh "$JETTY_BASE" /var/lib/jetty/tabserve.jsa
ENV JAVA_OPTIONS="${JAVA_OPTIONS} -XX:SharedArchiveFile=/var/lib/jetty/tabserve.jsa"
# Temporary files on disk, never in memory: java.io.tmpdir is TMPDIR (the Jetty image's entrypoint says so), here a
# volume of the container's own (VOLUME, below: writable under --read-only, made and dropped with the
# container). The web app's temporary directory is in it, and with it every CSV upload past 1 MiB as the multipart
# reader spools it (up to tabserve.max-concurrent-uploads of tabserve.max-upload-bytes each: 32 of 200 MiB), and the
# private copies of models. On a tmpfs /tmp they were the container's memory (four 15.5 MB uploads and the unpacked
# WAR got it OOM-killed under --memory 300m); on disk they are page cache, which the kernel takes back under the
# limit (docs/deploy.md, "The image, built and checked", has the measurement). /tmp still needs to be writable
# with a read-only root (`--tmpfs /tmp:rw,exec`): the JVM's files go there, a few kB.
# ONNX Runtime's native library is loaded from lib/onnxruntime-native, which the script extracted. ONNX Runtime's
# telemetry is switched off by tabserve itself (OnnxModelLoader), in every container, so the image needs no setting.
ENV TMPDIR=/var/lib/jetty/tmp
RUN mkdir -p "$TMPDIR" && chown jetty:jetty "$TMPDIR"
# To serve a directory of models, mount it at /models (deploy/entrypoint.sh then sets TABSERVE_MODELS=/models; add
# e.g. -e TABSERVE_POLL_SECONDS=30 to follow changes). To serve one other model file, point TABSERVE_MODEL at it,
# which the entrypoint leaves alone, e.g.
#   -v "$PWD/other.onnx:/models/model.onnx:ro" -e TABSERVE_MODEL=/models/model.onnx

USER jetty
VOLUME ["/var/lib/jetty/tmp"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["bash", "/opt/tabserve/healthcheck.sh", "8080"]
# deploy/entrypoint.sh (TABSERVE_MODELS=/models when it is mounted), then the Jetty image's own /docker-entrypoint.sh,
# which runs $JETTY_BASE/jetty.start for the CMD below, or any other command as it is. The KServe runtimes
# (deploy/kserve/) run this ENTRYPOINT and CMD too, with TABSERVE_MODELS=/mnt/models in the environment. CMD is the base
# image's, declared again because setting ENTRYPOINT clears the inherited CMD.
ENTRYPOINT ["/bin/sh", "/opt/tabserve/entrypoint.sh", "/docker-entrypoint.sh"]
CMD ["java", "-jar", "/usr/local/jetty/start.jar"]

# The OCI labels (github.com/opencontainers/image-spec, annotations.md), last so that a new commit rebuilds nothing
# above: where the source is, which commit and version of it this is, and its licence (an SPDX expression;
# NOASSERTION while the project names none). deploy/image/build-and-check.sh passes the first three:
#   --build-arg SOURCE="$(git remote get-url origin)" --build-arg REVISION="$(git rev-parse HEAD)" --build-arg VERSION=0.1.0-SNAPSHOT
ARG SOURCE=unknown
ARG REVISION=unknown
ARG VERSION=unknown
LABEL org.opencontainers.image.source="$SOURCE" \
      org.opencontainers.image.revision="$REVISION" \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.licenses="NOASSERTION" \
      org.opencontainers.image.title="tabserve"
