#!/bin/sh
# Prints each argument on its own line, then the HELM_* environment sorted.
for a in "$@"; do
  echo "arg: $a"
done
env | grep '^HELM_' | LC_ALL=C sort
