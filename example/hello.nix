# A tiny "hello" package built without nixpkgs: busybox from the host, copied into the
# store, and a script that uses it. Stands in for `pkgs.hello` in the README example.
let
  system = builtins.currentSystem;
  busybox = derivation {
    name = "busybox";
    inherit system;
    builder = "/bin/sh";
    PATH = "/usr/bin:/bin";
    args = [ "-c" ''
      mkdir -p $out/bin
      cp /bin/busybox $out/bin/busybox
      for applet in sh echo cat ls uname; do ln -s busybox $out/bin/$applet; done
    '' ];
  };
in
derivation {
  name = "hello-2.12";
  inherit system;
  builder = "/bin/sh";
  PATH = "/usr/bin:/bin";
  args = [ "-c" ''
    mkdir -p $out/bin
    printf '#!${busybox}/bin/sh\necho "Hello, world! (from a Nix-built image, kernel $(${busybox}/bin/uname -s))"\n' > $out/bin/hello
    chmod +x $out/bin/hello
  '' ];
}
