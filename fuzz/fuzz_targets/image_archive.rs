//! A `docker save` archive (docker-archive or OCI layout, plain or gzip layers) read
//! as a stream, with every cataloger fed as it passes: the image reader's limits must
//! hold whatever the bytes claim.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = dockward_image::ReadLimits::default();
    let _ = dockward_sbom::inventory_archive(data, &limits);
});
