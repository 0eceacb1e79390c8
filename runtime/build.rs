fn main() {
	#[cfg(feature = "std")]
	{
		// The wasm is built by a nested cargo inside the target directory, which the scripts
		// keep outside the work tree; tell it where this workspace (and its Cargo.lock) is.
		// Set here rather than globally so that other crates' wasm builds are not pointed at
		// a workspace they are not part of.
		if std::env::var_os("WASM_BUILD_WORKSPACE_HINT").is_none() {
			let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it");
			let workspace = std::path::Path::new(&manifest).join("..");
			std::env::set_var("WASM_BUILD_WORKSPACE_HINT", workspace);
		}
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
	}
}
