# Shared by the audit benchmarks (sourced, not run): the tiny busybox image and the
# labelled containers they audit. Callers set `work`, `label`, `image` and `run_id`, and
# remove what carries `label` when they exit.

# Imports a rootfs of busybox with `sh` and `sleep` as `$image`, labelled `$label`.
bench_import_busybox_image() {
  mkdir -p "$work/rootfs/bin"
  cp /bin/busybox "$work/rootfs/bin/"
  ln -s busybox "$work/rootfs/bin/sh"; ln -s busybox "$work/rootfs/bin/sleep"
  tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
  docker import --change "LABEL $label" - "$image" <"$work/rootfs.tar" >/dev/null
}

# bench_grow_containers FROM TO: creates containers dw-$run_id-(FROM+1)..TO from `$image`
# and starts every other new one.
bench_grow_containers() {
  seq "$(($1 + 1))" "$2" | xargs -P 4 -I{} docker create --label "$label" --name "dw-$run_id-{}" \
    --memory 32m --read-only "$image" sleep 3600 >/dev/null
  seq "$(($1 + 1))" "$2" | awk 'NR % 2 == 1' | xargs -r -P 4 -I{} docker start "dw-$run_id-{}" >/dev/null
}
