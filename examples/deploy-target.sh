#!/bin/sh
# A deploy target for Portico: unpacks the package into a release folder of its own, switches
# the `current` symlink to it (atomically), restarts the service and keeps the five newest
# releases. Portico runs it without a shell, in an empty temporary folder, with a cleared
# environment (see README, "Deploy targets"). Its output goes into the deployment's log; exit 0
# means succeeded.
#
#   portico.toml:
#     deploy_command = ["/srv/portico/deploy-target.sh", "/srv/acme", "sudo", "systemctl", "restart", "acme"]
#
# The first argument is the site's folder; the rest is the command that restarts the service.
set -eu
root=$1
shift
releases="$root/releases/$PORTICO_ENVIRONMENT"
release="$releases/$PORTICO_BUILD_NUMBER"

echo "Deploying build $PORTICO_BUILD_NUMBER of $PORTICO_PROJECT_NAME to $PORTICO_ENVIRONMENT (triggered by $PORTICO_TRIGGERED_BY)"
echo "Package $PORTICO_PACKAGE_PATH, SHA-256 $PORTICO_PACKAGE_SHA256"
mkdir -p "$releases"
rm -rf "$release.partial"
mkdir "$release.partial"
unzip -q "$PORTICO_PACKAGE_PATH" -d "$release.partial"
rm -rf "$release"
mv "$release.partial" "$release"

# A new symlink renamed over the old one: the site never points at nothing.
ln -sfn "$release" "$root/current-$PORTICO_ENVIRONMENT.new"
mv -T "$root/current-$PORTICO_ENVIRONMENT.new" "$root/current-$PORTICO_ENVIRONMENT"
echo "current-$PORTICO_ENVIRONMENT -> $release"

if [ "$#" -gt 0 ]; then
  echo "Restarting: $*"
  "$@"
fi

# Keep the five newest releases of this environment.
ls -1dt "$releases"/*/ | tail -n +6 | while read -r old; do rm -rf "$old"; done
echo "Build $PORTICO_BUILD_NUMBER is live on $PORTICO_ENVIRONMENT"
