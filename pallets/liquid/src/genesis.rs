//! Genesis: vaults and deposits built through the calls' own code paths.

use sp_runtime::DispatchResult;

use crate::pallet::*;

impl<T: Config> Pallet<T> {
	/// Create the configured vaults in order (the first is vault 0), then make the deposits as
	/// [`Pallet::deposit`] makes them. The base layer's and the restaking pallet's genesis must
	/// be built first: each operator must be registered, each depositor funded.
	pub(crate) fn build_genesis(config: &GenesisConfig<T>) -> DispatchResult {
		for operator in &config.vaults {
			Self::do_create_vault(operator.clone())?;
		}
		for (vault, who, amount) in &config.deposits {
			Self::do_deposit(who.clone(), *vault, *amount, Default::default())?;
		}
		Ok(())
	}
}
