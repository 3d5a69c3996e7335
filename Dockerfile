# The Tether service. Build the jar first (no build stage, to keep the image minimal):
#   mvn -q -DskipTests package && docker compose up --build
# The configuration is mounted, not baked in: /etc/tether/application.conf (the repository's
# application.conf, see docker-compose.yml).
FROM eclipse-temurin:17-jre
WORKDIR /opt/tether
COPY admin-api/target/tether.jar /opt/tether/tether.jar
EXPOSE 8558
# exec form: java is PID 1 and receives SIGTERM itself, so `docker stop` closes every connection
# with close_notify and the container exits 0.
ENTRYPOINT ["java", "-Dconfig.file=/etc/tether/application.conf", "-jar", "/opt/tether/tether.jar"]
