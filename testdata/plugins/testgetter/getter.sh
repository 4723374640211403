#!/bin/sh
# A downloader gets: certFile keyFile caFile URL. Stdout is the content.
if [ $# -ne 4 ]; then
  echo "testgetter: want 4 arguments, got $#" >&2
  exit 2
fi
url=$4
# kpkgtest://HOST/PATH: the host is ignored, PATH is under the root.
path=${url#kpkgtest://}
path=${path#*/}
if [ "$path" = "args" ]; then
  echo "cert=$1 key=$2 ca=$3"
  echo "user=$HELM_PLUGIN_USERNAME password=$HELM_PLUGIN_PASSWORD all=$HELM_PLUGIN_PASS_CREDENTIALS_ALL"
  echo "plugin=$HELM_PLUGIN_NAME"
  exit 0
fi
case "$path" in
  *..*) echo "testgetter: refusing $url" >&2; exit 2 ;;
esac
root=${KPKGTEST_ROOT:-$HELM_PLUGIN_DIR/files}
if [ ! -f "$root/$path" ]; then
  echo "testgetter: $url not found in $root" >&2
  exit 1
fi
exec cat "$root/$path"
