# A synthetic closure for the benchmark: ~40 store paths / ~1.3 GB of copies of
# the host's shared libraries, with a reference graph shaped like a real
# application (popular libc-like leaves, mid-level libraries, bundles, two apps).
#
# The plan (which host files go where, who refers to whom) comes from
# bench/synthetic-plan.mjs; this file only materialises it:
#
#   node bench/synthetic-plan.mjs > /tmp/plan.json        # BENCH_SIZE_MB=1300
#   nix-build bench/synthetic.nix --argstr plan /tmp/plan.json     # the 3 roots
#   nix-build bench/synthetic.nix --argstr plan /tmp/plan.json -A all.zlib-1.3.1
#
# References are real: each path writes the store paths it depends on into
# $out/nix-support/refs (and into a pkg-config file, a bin/ script and symlinks
# that cross into the referenced path).
#
# `bump` names one store path whose contents change (a marker file), for warm
# rebuild benchmarks. Bumping `app-assets` (a closure root nothing refers to)
# changes exactly one store path; bumping a referenced path changes it and,
# as in real Nix, every path that refers to it.
{ plan, bump ? "" }:

let
  p = builtins.fromJSON (builtins.readFile plan);
  names = map (n: n.name) p.nodes;
  kinds = builtins.listToAttrs (map (n: { name = n.name; value = n.kind; }) p.nodes);
  q = s: "'" + builtins.replaceStrings [ "'" ] [ "'\\''" ] s + "'";
  concatMap = f: l: builtins.concatStringsSep "" (map f l);
  take = n: l: if n <= 0 || l == [ ] then [ ] else [ (builtins.head l) ] ++ take (n - 1) (builtins.tail l);

  mk = node:
    let
      deps = map (r: { name = r; path = all.${r}; }) node.refs;
      out = ''"$out"'';
      # libfoo.so.1.2.3 -> libfoo.so (the development symlink real packages ship)
      devLink = f:
        let m = builtins.match "(.*\\.so)\\..*" (builtins.elemAt f 1);
        in if m == null then "" else ''
          [ -e ${out}/lib/${q (builtins.head m)} ] || ln -s ${q (builtins.elemAt f 1)} ${out}/lib/${q (builtins.head m)}
        '';
      copyInto = dir: concatMap (f: "cp ${q (builtins.elemAt f 0)} ${out}/${dir}/${q (builtins.elemAt f 1)}\n") node.files;
      refsFile = ''
        mkdir -p ${out}/nix-support
        : > ${out}/nix-support/refs
        ${concatMap (d: "echo ${d.path} >> ${out}/nix-support/refs\n") deps}
      '';
      bumpCmd =
        if bump != node.name then ""
        else if node.kind == "file" then "echo ${q bump} >> ${out}\n"
        else "mkdir -p ${out}/share && echo ${q bump} > ${out}/share/bump\n";
      longDir = "share/locale/${node.name}-messages-for-a-rather-long-locale-name/LC_MESSAGES/nested/deeper";

      libScript = ''
        mkdir -p ${out}/lib/pkgconfig ${out}/include/${q node.name}/detail ${out}/share/doc/${q node.name} ${out}/${longDir}
        ${copyInto "lib"}
        ${concatMap devLink (take 3 node.files)}
        ${refsFile}
        {
          echo "prefix=$out"
          echo "libdir=$out/lib"
          echo "Name: ${node.name}"
          echo "Libs: -L$out/lib ${concatMap (d: "-L${d.path}/lib ") deps}"
        } > ${out}/lib/pkgconfig/${q node.name}.pc
        echo '/* ${node.name} */' > ${out}/include/${q node.name}/${q node.name}.h
        echo '#pragma once' > ${out}/include/${q node.name}/detail/config.h
        echo '${node.name}: synthetic package for nix-docker-action benchmarks' > ${out}/share/doc/${q node.name}/README
        echo messages > ${out}/${longDir}/${q node.name}.mo
        ${if node.name == "glibc-2.37" then "ln ${out}/share/doc/${q node.name}/README ${out}/share/doc/${q node.name}/README.hardlink\n" else ""}
      '';
      bundleScript = ''
        mkdir -p ${out}/lib/deps ${out}/bin ${out}/share/doc/${q node.name}
        ${copyInto "lib"}
        ${refsFile}
        ${concatMap (d: "ln -s ${d.path}/lib ${out}/lib/deps/${q d.name}\n") deps}
        printf '#!/bin/sh\nexec %s "$@"\n' ${d0}/lib > ${out}/bin/${q node.name}
        chmod 0755 ${out}/bin/${q node.name}
        echo '${node.name}' > ${out}/share/doc/${q node.name}/README
      '';
      d0 = (builtins.head deps).path;
      appScript = ''
        mkdir -p ${out}/bin ${out}/libexec/${q node.name} ${out}/share/${q node.name}
        ${copyInto "libexec/${q node.name}"}
        ${refsFile}
        {
          echo '#!/bin/sh'
          ${concatMap (d: if kinds.${d.name} == "file" then "echo 'CONFIG=${d.path}'\n" else "echo 'LD_LIBRARY_PATH=${d.path}/lib:$LD_LIBRARY_PATH'\n") deps}
          echo 'exec "$0.real" "$@"'
        } > ${out}/bin/${q node.name}
        chmod 0755 ${out}/bin/${q node.name}
        ln -s ${q node.name} ${out}/bin/${q "${node.name}-alias"}
      '';
      dataScript = ''
        mkdir -p ${out}/share/${q node.name}/blobs/a ${out}/share/${q node.name}/blobs/b
        ${concatMap (f: "cp ${q (builtins.elemAt f 0)} ${out}/share/${q node.name}/blobs/${if (builtins.stringLength (builtins.elemAt f 1)) / 2 * 2 == builtins.stringLength (builtins.elemAt f 1) then "a" else "b"}/${q (builtins.elemAt f 1)}.bin\n") node.files}
        echo '{"assets": true}' > ${out}/share/${q node.name}/index.json
      '';
      fileScript = ''
        echo '{"listen": 8080, "workers": 2}' > ${out}
      '';
      script = {
        lib = libScript;
        bundle = bundleScript;
        app = appScript;
        data = dataScript;
        file = fileScript;
      }.${node.kind};
    in
    derivation ({
      name = node.name;
      system = builtins.currentSystem;
      builder = "/bin/sh";
      PATH = "/usr/bin:/bin";
      args = [ "-c" ("set -eu\n" + script + bumpCmd) ];
    } // (if bump == node.name then { BUMP = bump; } else { }));

  all = builtins.listToAttrs (map (n: { name = n.name; value = mk n; }) p.nodes);
  roots = map (r: all.${r}) p.roots;
in
assert bump == "" || builtins.elem bump names
  || throw "bump: no store path named '${bump}' (known: ${builtins.concatStringsSep ", " names})";
builtins.listToAttrs (map (r: { name = r; value = all.${r}; }) p.roots) // {
  inherit all roots;
}
