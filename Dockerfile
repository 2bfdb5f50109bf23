# Placeholder until the deploy issue lands: the image will build the WAR with Maven + Temurin 17 and run it on
# the official Jetty 12.1 image as webapps/ROOT.war. It is deliberately not buildable yet; see README.md.
