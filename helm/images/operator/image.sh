# The operator image (sourced by ../build.sh): the Quarkus application in its fast-jar layout under /deployments, on
# the shared base (Java 17, and clang with the headers its compile check of policies needs). It runs as user 185
# (syrup); the chart adds a read-only root filesystem and an emptyDir on /tmp, where the compile cache goes.
name=syrup-operator
description="Syrup operator: reconciles SchedulingPolicy objects into per-node SchedulingPolicyNode objects"
user=185:185
workdir=/deployments
entrypoint='["sh", "-c", "exec java -XX:MaxRAMPercentage=75 -Djava.util.logging.manager=org.jboss.logmanager.LogManager $JAVA_OPTS_APPEND -jar /deployments/quarkus-run.jar"]'
cmd='[]'
env='["JAVA_OPTS_APPEND="]'
ports='["8080/tcp"]'

# stage DIR ROOT: puts the image's own files under DIR, from the checkout at ROOT.
stage() {
	local app="$2/operator/target/quarkus-app"
	[[ -f "$app/quarkus-run.jar" ]] || { echo "$app is missing: package the operator first (make images does)" >&2; return 1; }
	mkdir -p "$1/deployments"
	cp -r "$app/quarkus-run.jar" "$app/lib" "$app/app" "$app/quarkus" "$1/deployments/"
}
