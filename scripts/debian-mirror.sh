#!/usr/bin/env bash
# Prints the Debian archive this machine's apt uses (the URI that serves its main suite,
# not -security or -updates), so debootstrap takes its roots from the same place.
set -eu
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
{
  # deb822 .sources: a stanza's URIs and Suites lines.
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -e $f ]] && awk -v c="$codename" '
      /^URIs:/ { uris = $0; sub(/^URIs:[ \t]*/, "", uris) }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == c) hit = 1 }
      /^[ \t]*$/ { if (hit) { split(uris, u, " "); print u[1] }; hit = 0; uris = "" }
      END { if (hit) { split(uris, u, " "); print u[1] } }' "$f"
  done
  # one-line format: deb [options] URI suite components
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk -v c="$codename" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { if ($(i+1) == c) print $i; break } }'
} | awk 'NR == 1 { print; found = 1 } END { exit !found }' || echo http://deb.debian.org/debian
