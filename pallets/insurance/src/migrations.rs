//! Storage migrations.
//!
//! Each version's migration is an [`UncheckedOnRuntimeUpgrade`] wrapped in
//! [`VersionedMigration`], which runs it only from the version it expects, then bumps the
//! pallet's on-chain storage version. A runtime lists them in its `Executive` migrations.

use frame_support::{
	migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
};

use crate::{pallet::*, types::*};

/// Version 1: withdrawal requests expire (see [`Pallet::expiry`]), so a pool counts the shares
/// asked to leave per request epoch ([`LeavingShares`]) instead of as one sum.
pub mod v1 {
	use super::*;
	use alloc::vec::Vec;
	#[cfg(feature = "try-runtime")]
	use sp_runtime::TryRuntimeError;

	/// The layouts of version 0.
	pub mod v0 {
		use super::*;
		use crate::{BalanceOf, BlockNumberFor};
		use codec::{Decode, Encode};
		use frame_support::BoundedVec;
		use restaking_primitives::restaking::ServiceId;

		/// A pool of version 0: `leaving` is one sum of shares.
		#[derive(Encode, Decode)]
		pub struct Pool<T: Config> {
			pub owner: T::AccountId,
			pub deposit: BalanceOf<T>,
			pub services: BoundedVec<ServiceId, T::MaxCoveredServices>,
			pub pricing: Pricing,
			pub deductible: BalanceOf<T>,
			pub capital: BalanceOf<T>,
			pub unearned: BalanceOf<T>,
			pub total_shares: BalanceOf<T>,
			pub locked: BalanceOf<T>,
			pub deposited: BalanceOf<T>,
			pub withdrawn: BalanceOf<T>,
			pub premiums: BalanceOf<T>,
			pub paid_out: BalanceOf<T>,
			pub top_ups: BalanceOf<T>,
			pub refunded: BalanceOf<T>,
			pub fresh: FreshShares<BalanceOf<T>, BlockNumberFor<T>>,
			pub leaving: BalanceOf<T>,
		}

		#[cfg(any(test, feature = "try-runtime"))]
		impl<T: Config> Pool<T> {
			/// For tests of the migration: store `pool` as pool `id` the way version 0 did,
			/// its leaving shares as one sum.
			pub fn put_as_v0(id: restaking_primitives::insurance::PoolId, pool: crate::Pool<T>) {
				let old = Self {
					owner: pool.owner,
					deposit: pool.deposit,
					services: pool.services,
					pricing: pool.pricing,
					deductible: pool.deductible,
					capital: pool.capital,
					unearned: pool.unearned,
					total_shares: pool.total_shares,
					locked: pool.locked,
					deposited: pool.deposited,
					withdrawn: pool.withdrawn,
					premiums: pool.premiums,
					paid_out: pool.paid_out,
					top_ups: pool.top_ups,
					refunded: pool.refunded,
					fresh: pool.fresh,
					leaving: pool
						.leaving
						.shares
						.iter()
						.fold(BalanceOf::<T>::default(), |sum, s| {
							sp_runtime::Saturating::saturating_add(sum, *s)
						}),
				};
				frame_support::storage::unhashed::put_raw(
					&Pools::<T>::hashed_key_for(id),
					&old.encode(),
				);
			}
		}
	}

	/// Rewrites every pool with its leaving shares counted per request epoch, from the
	/// underwriters' own requests. A request that would already have expired under the new
	/// rule is left out: its shares price cover again, and executing it fails with
	/// `WithdrawalExpired` (its underwriter asks again). Leaving it out changes no count the
	/// pallet reads (a bucket three epochs old is never counted); it keeps the stored window
	/// free of it. The migration runs before the upgrade's block is initialized, so `now` is
	/// the parent block's number. One pass over every position, in one block: fit for chains
	/// with few underwriters; a chain with many would run it as a multi-block migration.
	pub struct VersionUncheckedMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for VersionUncheckedMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let now = frame_system::Pallet::<T>::block_number();
			let (mut reads, mut writes) = (0u64, 0u64);
			Pools::<T>::translate::<v0::Pool<T>, _>(|id, old| {
				reads = reads.saturating_add(1);
				writes = writes.saturating_add(1);
				let mut requests: Vec<_> = Positions::<T>::iter_prefix_values(id)
					.inspect(|_| reads = reads.saturating_add(1))
					.filter_map(|position| position.unbonding)
					.filter(|(_, at)| now < Pallet::<T>::expiry(*at))
					.map(|(shares, at)| (Pallet::<T>::request_epoch(at), shares))
					.collect();
				// `add` moves the window forward: count the oldest epoch first.
				requests.sort();
				let mut leaving = LeavingShares::default();
				for (epoch, shares) in requests {
					leaving.add(epoch, shares);
				}
				Some(Pool {
					owner: old.owner,
					deposit: old.deposit,
					services: old.services,
					pricing: old.pricing,
					deductible: old.deductible,
					capital: old.capital,
					unearned: old.unearned,
					total_shares: old.total_shares,
					locked: old.locked,
					deposited: old.deposited,
					withdrawn: old.withdrawn,
					premiums: old.premiums,
					paid_out: old.paid_out,
					top_ups: old.top_ups,
					refunded: old.refunded,
					fresh: old.fresh,
					leaving,
				})
			});
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			Ok((Pools::<T>::iter_keys().count() as u32).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			let before = u32::decode(&mut &state[..])
				.map_err(|_| TryRuntimeError::Other("pool count not decodable"))?;
			ensure!(
				Pools::<T>::iter_values().count() as u32 == before,
				"a pool was lost or could not be decoded"
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
