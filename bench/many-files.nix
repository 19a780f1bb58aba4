{ n ? 100000 }:
derivation {
  name = "many-files";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ "-c" ''
    set -e
    /bin/mkdir -p $out
    cd $out
    i=0
    d=0
    while [ $d -lt ${toString (n / 1000)} ]; do
      /bin/mkdir d$d
      /usr/bin/seq 0 999 | /usr/bin/awk -v d=d$d '{ f = d "/f" $1; print "file " $1 " of " d > f; close(f) }'
      d=$((d+1))
    done
  '' ];
}
