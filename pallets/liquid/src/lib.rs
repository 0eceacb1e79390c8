//! # Liquid restaking pallet
//!
//! Credential tokens for restaked stake: a **vault** per operator takes deposits of free
//! balance, bonds them in the base staking layer, nominates the operator's validator, restakes
//! them through the operator, and mints a **vault token** in the assets pallet. The token is an
//! ordinary asset: wallets show it and holders transfer it; its exchange rate follows the
//! vault's value, so rewards and slashes reach every holder without touching any of them.
//!
//! ## Overview
//!
//! - **Vaults.** [`Pallet::create_vault`] (by the operator, or by `CreateOrigin` on its
//!   behalf; the operator pays `VaultDeposit` into the vault's account, where it stays as the
//!   account's reserve) creates the vault and its token: one asset per vault, metadata set, the
//!   vault's keyless account as owner, issuer and admin, so nothing but this pallet mints.
//! - **Value.** A vault is worth its bond (active and unbonding), plus liquid funds and
//!   unclaimed restaking rewards and compensation, less the restaking loss imposed on it and
//!   not yet realized. Base-layer rewards arrive as free balance and are bonded again
//!   (compounded) at the vault's next action; restaking rewards and insurance compensation are
//!   claimed the same way; service and base-layer slashes lower the value at once.
//! - **Vesting.** A gain of the value (rewards, a donation) enters the rate linearly over
//!   `RewardVesting` blocks (one era in the demo runtime); a loss, a fall of the value at risk
//!   (the bond less the pending restaking loss, plus the compensation for it), counts at once
//!   and cuts what is still vesting in proportion. Base-layer rewards are paid after
//!   their era, so a deposit just before a payout would otherwise share an era it was not
//!   staked in: now it gains only what vests while it stays.
//! - **Shares.** Tokens in circulation and redemptions not yet paid are shares of that value.
//!   Released redemptions are owed what they reserved at release, cut in proportion by the
//!   vault's losses since; the rest of the value (the *active value*) belongs to the tokens and
//!   the queued redemptions, less what still vests, at the rate
//!   `(active value + 1) / (active shares + V)`, with
//!   `V = 10^DecimalsOffset` virtual shares (the tokens have that many decimals more than the
//!   currency, so a donation cannot make the share unit coarse).
//!   [`Pallet::deposit`] mints `amount / rate` tokens and [`Pallet::redeem`] burns tokens into
//!   a redemption; every conversion rounds down, in the vault's favour: nobody profits from a
//!   deposit followed by a redemption, and rewards that arrive while redemptions unbond go to
//!   the tokens.
//! - **Redemptions.** Redemptions queue first come, first served. Each era at most
//!   `MaxRedeemPerEra` of the vault's value is **released** (undelegated from the operator and
//!   unbonded from staking), at most `MaxReleaseBatch` redemptions per call; each released
//!   share reserves its value at the tokens' rate. A released redemption is paid by
//!   [`Pallet::withdraw`] (anyone may call it for the owner) once the base layer's bonding
//!   duration and the restaking undelegation delay have both passed: its part of what the
//!   released redemptions are owed, whatever the order of payouts. Until it is paid slashes
//!   reach it, and the excess over the cap waits in the queue, never lost. This is the circuit
//!   breaker against a run on the token (the article's liquidity mismatch).
//! - **Pause.** `PauseOrigin` stops deposits and redemptions; releases and payouts continue, so
//!   a pause never strands funds.
//! - **No recursion.** Vault tokens are assets, not the staking currency: they cannot be
//!   bonded, so they cannot be restaked or deposited into a vault, and a vault's account cannot
//!   deposit into a vault.
//! - **Genesis.** [`GenesisConfig`] creates vaults and makes deposits through the same code
//!   as the calls, after the base layer's and the restaking pallet's genesis.
//!
//! Anyone may [`Pallet::poke`] a vault to compound rewards and release the queue of a new era;
//! every deposit, redemption and withdrawal does the same first.
//!
//! ## Example
//!
//! Alice and Bob deposit 1,000 each into a vault; Alice redeems 100 tokens, which are released
//! at once (under the era's cap), and she withdraws their value once the bonding duration and
//! the undelegation delay have passed:
//!
#![doc = docify::embed!("src/tests.rs", a_redemption_waits_for_bonding_and_undelegation_then_pays_its_value)]
//!
//! ## Low-level API
//!
//! The pallet stakes through `sp_staking::StakingInterface` (implemented by `pallet-staking`)
//! and restakes through
//! [`DelegationInterface`](restaking_primitives::restaking::DelegationInterface) (implemented by
//! `pallet-restaking`). Tokens live in any `fungibles` implementation (`pallet-assets` in the
//! demo runtime, whose `CreateOrigin` must admit nobody, so that no one can take a vault's
//! asset id first).

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(rustdoc::broken_intra_doc_links)]

extern crate alloc;

mod accounting;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod calls;
mod events;
mod funds;
mod genesis;
mod integrity;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod try_state;
pub mod types;
mod vaults;
mod views;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::fungibles;
pub use frame_system::pallet_prelude::BlockNumberFor;

/// Asset id of vault tokens.
pub type AssetIdOf<T> =
	<<T as Config>::Assets as fungibles::Inspect<<T as frame_system::Config>::AccountId>>::AssetId;

use frame_support::pallet_macros::import_section;

#[import_section(calls::calls)]
#[import_section(events::events)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::Mutate,
			fungibles::{metadata::Mutate as MetadataMutate, Create, Mutate as AssetsMutate},
			tokens::Balance,
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use restaking_primitives::{liquid::VaultId, restaking::DelegationInterface};
	use sp_runtime::{traits::Convert, Perbill};
	use sp_staking::StakingInterface;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The staking currency: what is deposited, bonded and paid out.
		type Currency: Mutate<Self::AccountId, Balance = Self::Balance>;

		/// The balance type shared by the currency, the staking layer and the tokens.
		type Balance: Balance + MaybeSerializeDeserialize;

		/// The base staking layer the vaults bond and nominate in.
		type Staking: StakingInterface<AccountId = Self::AccountId, Balance = Self::Balance>;

		/// The restaking pallet, through which the vaults delegate to their operators.
		type Restaking: DelegationInterface<Self::AccountId, Self::Balance>;

		/// Where vault tokens live.
		type Assets: Create<Self::AccountId>
			+ AssetsMutate<Self::AccountId, Balance = Self::Balance>
			+ MetadataMutate<Self::AccountId>;

		/// The asset id of a vault's token.
		type VaultAsset: Convert<VaultId, AssetIdOf<Self>>;

		/// May create a vault for any operator (the operator still pays the deposit).
		type CreateOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// May pause and resume a vault's deposits and redemptions.
		type PauseOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Vault accounts derive from it.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Paid by the operator into a new vault's account, where it stays as the account's
		/// reserve (at least the existential deposit; never bonded, never paid to holders).
		#[pallet::constant]
		type VaultDeposit: Get<Self::Balance>;

		/// Least amount deposited at once, and least value redeemed at once (unless the holder
		/// redeems every token it has).
		#[pallet::constant]
		type MinDeposit: Get<Self::Balance>;

		/// Least amount the vault delegates at once (the restaking pallet's `MinDelegation`).
		#[pallet::constant]
		type MinRestake: Get<Self::Balance>;

		/// Most of a vault's value released to redemptions in one era.
		#[pallet::constant]
		type MaxRedeemPerEra: Get<Perbill>;

		/// The restaking pallet's undelegation delay: a release also waits this many blocks.
		#[pallet::constant]
		type UndelegationDelay: Get<BlockNumberFor<Self>>;

		/// Most unpaid redemptions one account may have in one vault.
		#[pallet::constant]
		type MaxRedemptions: Get<u32>;

		/// Most redemptions one call releases from the queue (the rest follow at the next
		/// action or poke, within the same era's cap).
		#[pallet::constant]
		type MaxReleaseBatch: Get<u32>;

		/// Slashing spans the staking layer may need cleared when a vault unbonds everything.
		#[pallet::constant]
		type MaxSlashingSpans: Get<u32>;

		/// Decimals of the staking currency.
		#[pallet::constant]
		type CurrencyDecimals: Get<u8>;

		/// How many decimals vault tokens have beyond the currency's: an empty vault mints
		/// `10^DecimalsOffset` token units per unit of currency, and its rate counts that many
		/// virtual shares (against one virtual unit of value). A donation to a vault then costs
		/// the donor `10^DecimalsOffset` times what it can take from the next depositor by
		/// rounding (the offset of OpenZeppelin's ERC-4626). At most 18.
		#[pallet::constant]
		type DecimalsOffset: Get<u8>;

		/// Blocks over which a gain of a vault's value (base-layer and restaking rewards,
		/// donations) enters its rate, linearly; losses (net of their compensation) count at
		/// once. Base-layer rewards of an era are paid out after it, so a deposit made just
		/// before a payout would otherwise take a share of an era it was not staked in: with
		/// one era here, a holder gains per block held about the vault's average reward rate,
		/// and a deposit redeemed around a payout gains nothing of it. Zero counts gains at once.
		#[pallet::constant]
		type RewardVesting: Get<BlockNumberFor<Self>>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Makes operators allocated to a service for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: restaking_primitives::restaking::RestakingBenchmarking<
			Self::AccountId,
		>;
	}

	/// The id the next vault gets.
	#[pallet::storage]
	pub type NextVaultId<T> = StorageValue<_, VaultId, ValueQuery>;

	/// Vaults.
	#[pallet::storage]
	pub type Vaults<T: Config> = StorageMap<_, Twox64Concat, VaultId, Vault<T>>;

	/// The vault of each operator that has one.
	#[pallet::storage]
	pub type VaultOf<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, VaultId>;

	/// Redemptions not yet paid: `(owner, vault, id)`.
	#[pallet::storage]
	pub type Redemptions<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Blake2_128Concat, T::AccountId>,
			NMapKey<Twox64Concat, VaultId>,
			NMapKey<Twox64Concat, u32>,
		),
		Redemption<T>,
	>;

	/// Each vault's queue of redemptions not fully released, first come first served:
	/// `(vault, position) → (owner, redemption id)` for positions in `queue_head..queue_tail`.
	#[pallet::storage]
	pub type RedemptionQueue<T: Config> =
		StorageDoubleMap<_, Twox64Concat, VaultId, Twox64Concat, u32, (T::AccountId, u32)>;

	/// Unpaid redemptions per `(owner, vault)`, at most `MaxRedemptions`.
	#[pallet::storage]
	pub type RedemptionCount<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, VaultId, u32, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Operators whose vaults exist from genesis, in vault id order (the first gets vault
		/// 0). Each pays `VaultDeposit`, as [`Pallet::create_vault`] makes it pay.
		pub vaults: Vec<T::AccountId>,
		/// Deposits into them: `(vault, depositor, amount)`, made as [`Pallet::deposit`] makes
		/// them (bonded, and restaked as far as the restake ratio allows).
		pub deposits: Vec<(VaultId, T::AccountId, T::Balance)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pallet::<T>::build_genesis(self).expect("genesis vault configuration is valid");
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			Self::check_constants();
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state(u8::MAX)
		}
	}
}
