#!/bin/sh
# Lists the directive names an nginx binary (and dynamic modules) knows, for
# src/dialects/nginx/known-directives.ts. Candidates are the identifiers in the binary's strings
# and every "_"-suffix of them (the linker merges a string into the tail of a longer one:
# "location", "http" and "rewrite_by_lua_block" appear only inside longer strings); nginx -t
# is the oracle: a name it does not call an `unknown directive` is one of its commands
# (ngx_conf_handler says "not allowed here" for a known name in the wrong context).
#
#   scripts/nginx-directives.sh                                 # the binary's own directives
#   scripts/nginx-directives.sh ndk_http_module ngx_http_lua_module   # + what the last .so adds
set -eu
MODULES=${MODULES:-/usr/lib/nginx/modules}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
: > "$dir/pre"
for m in "$@"; do echo "load_module $MODULES/$m.so;" >> "$dir/pre"; done
binary=/usr/sbin/nginx
[ $# -gt 0 ] && eval "binary=\$MODULES/\${$#}.so"
probe() {
  { cat "$1"; echo "$2;"; } > "$dir/p.conf"
  case $(nginx -t -p "$dir" -e "$dir/err.log" -c "$dir/p.conf" 2>&1) in *"unknown directive"*) return 1;; esac
}
strings -n 2 "$binary" | tr -c 'a-z0-9_\n' '\n' | grep -E '^[a-z][a-z0-9_]+$' \
  | awk '{print; n=split($0,p,"_"); s=""; for(i=n;i>1;i--){s=(s==""?p[i]:p[i]"_"s); print s}}' \
  | sort -u | while read -r name; do
    if [ $# -gt 0 ]; then probe /dev/null "$name" && continue; fi
    probe "$dir/pre" "$name" && echo "$name"
  done
