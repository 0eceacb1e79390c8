//! Storage migrations.
//!
//! Each version's migration is an [`UncheckedOnRuntimeUpgrade`] wrapped in
//! [`VersionedMigration`], which runs it only from the version it expects, then bumps the
//! pallet's on-chain storage version. A runtime lists them in its `Executive` migrations.

use frame_support::{
	migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
};

use crate::pallet::*;

/// Version 1: the yield history ([`PoolHistory`]). Every operator gets the record of the
/// current era, empty, at its pool's factor, so that its yield estimate counts the eras from
/// the upgrade on: without it, an operator's window would open at its first payment or slash
/// after the upgrade, and one event would be annualized over the eras since then only.
pub mod v1 {
	use super::*;
	#[cfg(feature = "try-runtime")]
	use alloc::vec::Vec;
	#[cfg(feature = "try-runtime")]
	use sp_runtime::TryRuntimeError;

	/// Opens the current era's record for every operator without a history. One pass over the
	/// operators, in one block: fit for chains with few operators (at most a few thousand);
	/// a chain with many would run it as a multi-block migration.
	pub struct VersionUncheckedMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for VersionUncheckedMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let (mut reads, mut writes) = (0u64, 0u64);
			for (operator, pool) in Operators::<T>::iter() {
				reads = reads.saturating_add(2);
				if !PoolHistory::<T>::contains_key(&operator) {
					Pallet::<T>::note_pool_era(&operator, pool.factor, |_| ());
					writes = writes.saturating_add(1);
				}
			}
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			Ok(Vec::new())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: Vec<u8>) -> Result<(), TryRuntimeError> {
			ensure!(
				Operators::<T>::iter_keys()
					.all(|operator| !PoolHistory::<T>::get(operator).is_empty()),
				"an operator has no yield history"
			);
			Pallet::<T>::do_try_state(u8::MAX)
		}
	}

	/// [`VersionUncheckedMigrateToV1`], run only on storage version 0, which it bumps to 1.
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		VersionUncheckedMigrateToV1<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
