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
		// The token symbol and decimals are part of the hash; they are those of
		// `currency::{TOKEN_SYMBOL, TOKEN_DECIMALS}` (the end-to-end tests sign with the chain
		// properties the node reports from them, so a mismatch fails there).
		#[cfg(feature = "metadata-hash")]
		substrate_wasm_builder::WasmBuilder::init_with_defaults()
			.enable_metadata_hash("UNIT", 12)
			.build();
		#[cfg(not(feature = "metadata-hash"))]
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
	}
}
