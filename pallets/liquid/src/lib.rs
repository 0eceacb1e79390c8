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
//!
//! Anyone may [`Pallet::poke`] a vault to compound rewards and release the queue of a new era;
//! every deposit, redemption and withdrawal does the same first.
//!
//! ## Low-level API
//!
//! The pallet stakes through `sp_staking::StakingInterface` (implemented by `pallet-staking`)
//! and restakes through
//! [`StakerInterface`](restaking_primitives::restaking::StakerInterface) (implemented by
//! `pallet-restaking`). Tokens live in any `fungibles` implementation (`pallet-assets` in the
//! demo runtime, whose `CreateOrigin` must admit nobody, so that no one can take a vault's
//! asset id first).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod accounting;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod funds;
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

#[frame_support::pallet]
pub mod pallet {
	use super::*;
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
	use restaking_primitives::{liquid::VaultId, restaking::StakerInterface};
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
		type Balance: Balance;

		/// The base staking layer the vaults bond and nominate in.
		type Staking: StakingInterface<AccountId = Self::AccountId, Balance = Self::Balance>;

		/// The restaking pallet, through which the vaults delegate to their operators.
		type Restaking: StakerInterface<Self::AccountId, Self::Balance>;

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

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A vault and its token were created.
		VaultCreated {
			vault: VaultId,
			operator: T::AccountId,
			account: T::AccountId,
			asset: AssetIdOf<T>,
		},
		/// `amount` was deposited for `tokens` vault tokens.
		Deposited { vault: VaultId, who: T::AccountId, amount: T::Balance, tokens: T::Balance },
		/// `tokens` were burned into redemption `id`, worth `value` now.
		RedemptionQueued {
			vault: VaultId,
			who: T::AccountId,
			id: u32,
			tokens: T::Balance,
			value: T::Balance,
		},
		/// `count` redemptions (or parts of them) of `shares` worth `value` were released:
		/// `unbonded` left the active bond and `undelegated` the operator's pool. They unlock
		/// from era `unlock_era` and block `unlock_at`.
		RedemptionsReleased {
			vault: VaultId,
			count: u32,
			shares: T::Balance,
			value: T::Balance,
			unbonded: T::Balance,
			undelegated: T::Balance,
			unlock_era: sp_staking::EraIndex,
			unlock_at: BlockNumberFor<T>,
		},
		/// Unbonding funds fell short of what the released redemptions are owed (a slash of
		/// unbonding funds); `unbonded` more was unbonded to cover it.
		LiquidityToppedUp { vault: VaultId, unbonded: T::Balance },
		/// A release could not start this era (the restaking or staking layer refused it); the
		/// queue waits for a later era.
		ReleaseDeferred { vault: VaultId, error: DispatchError },
		/// Redemption `id` of `who` was paid `amount`.
		Withdrawn { vault: VaultId, who: T::AccountId, id: u32, amount: T::Balance },
		/// Restaking rewards and compensation could not be claimed now; they stay claimable,
		/// part of the vault's value.
		ClaimDeferred { vault: VaultId, error: DispatchError },
		/// The vault could not nominate its operator (the staking layer refused); its bond
		/// stays, not nominating, until a later deposit or compounding nominates.
		NominationDeferred { vault: VaultId, error: DispatchError },
		/// The vault's value rose by `gain` beyond any loss since its last update (rewards, a
		/// donation, compensation for a slash booked earlier): it enters the rate linearly;
		/// `unvested` is not counted yet and all of it counts from block `until`. Not emitted
		/// when `RewardVesting` is zero (gains count at once).
		GainVesting {
			vault: VaultId,
			gain: T::Balance,
			unvested: T::Balance,
			until: BlockNumberFor<T>,
		},
		/// Rewards and liquid funds were bonded (and restaked) again.
		Compounded { vault: VaultId, amount: T::Balance },
		/// Liquid funds could not be bonded again now (the staking or restaking layer refused
		/// them); they stay liquid, part of the vault's value.
		CompoundDeferred { vault: VaultId, error: DispatchError },
		/// Deposits and redemptions were paused (`true`) or resumed.
		PauseSet { vault: VaultId, paused: bool },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No vault with this id.
		UnknownVault,
		/// The account is not a registered operator.
		NotOperator,
		/// Only the operator (or `CreateOrigin`) may create its vault.
		NotVaultOperator,
		/// The operator has a vault already.
		VaultExists,
		/// The vault is paused: no deposits or redemptions.
		VaultPaused,
		/// A slash of the vault's operator waits: no deposit enters and no payout leaves the
		/// vault until it has executed or been vetoed (either would move its loss onto others).
		SlashPending,
		/// The vault's pause state is already the requested one.
		PauseUnchanged,
		/// The amount is below `MinDeposit`, or too small to mint a single token.
		DepositTooSmall,
		/// The redemption is worth less than `MinDeposit` (and is not the holder's last tokens).
		RedeemTooSmall,
		/// Zero tokens.
		ZeroTokens,
		/// The holder has fewer vault tokens than it redeems.
		InsufficientTokens,
		/// A vault account cannot deposit into a vault (reachable only through a call
		/// dispatched as that account, e.g. by root): no restaking of restaked funds.
		RecursiveDeposit,
		/// The vault lost all of its value; it takes no deposits.
		VaultDepleted,
		/// The rate moved: the deposit would mint fewer tokens than `min_tokens`, or the
		/// redemption would be worth less than `min_value`.
		RateMoved,
		/// The account has `MaxRedemptions` unpaid redemptions in this vault.
		TooManyRedemptions,
		/// No redemption with this id for this account.
		UnknownRedemption,
		/// The redemption still waits in the queue (for the per-era cap), wholly or in part.
		NotReleased,
		/// The redemption's last release has not passed the bonding duration and the
		/// undelegation delay yet.
		NotUnlocked,
		/// The unbonded funds have not reached the vault's account yet (the restaking layer
		/// still holds them); try again later.
		AwaitingLiquidity,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			Self::check_constants();
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Create `operator`'s vault and its token.
		///
		/// - Origin: `operator` itself, or `CreateOrigin`. The operator pays `VaultDeposit`
		///   into the vault's account either way.
		///
		/// Emits [`Event::VaultCreated`]. Errors: [`Error::NotVaultOperator`],
		/// [`Error::NotOperator`], [`Error::VaultExists`], or the transfer's or the assets
		/// pallet's error.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_vault())]
		pub fn create_vault(origin: OriginFor<T>, operator: T::AccountId) -> DispatchResult {
			if T::CreateOrigin::try_origin(origin.clone()).is_err() {
				let who = ensure_signed(origin)?;
				ensure!(who == operator, Error::<T>::NotVaultOperator);
			}
			Self::do_create_vault(operator).map(|_| ())
		}

		/// Deposit `amount` of free balance into `vault` for vault tokens at its current rate,
		/// at least `min_tokens` of them. The amount is bonded, and restaked as far as the
		/// restake ratio allows. Refused while a slash of the vault's operator waits (the rate
		/// does not show the loss yet).
		///
		/// - Origin: signed, not a vault's account.
		///
		/// Emits [`Event::Deposited`]. Errors: [`Error::UnknownVault`], [`Error::VaultPaused`],
		/// [`Error::SlashPending`], [`Error::DepositTooSmall`], [`Error::RecursiveDeposit`],
		/// [`Error::VaultDepleted`], [`Error::RateMoved`], `ArithmeticError::Overflow`, or the
		/// transfer's, the staking layer's, the restaking pallet's (an operator over its
		/// concentration cap takes no more stake) or the assets pallet's error.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::deposit())]
		pub fn deposit(
			origin: OriginFor<T>,
			vault: VaultId,
			amount: T::Balance,
			min_tokens: T::Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deposit(who, vault, amount, min_tokens)
		}

		/// Burn `tokens` of `vault`'s token into a redemption worth at least `min_value` now.
		/// It waits in the vault's queue until the per-era cap releases it, then unlocks after
		/// the bonding duration and the undelegation delay; until it is paid it shares the
		/// vault's slashes.
		///
		/// - Origin: a holder of the vault's token.
		///
		/// Emits [`Event::RedemptionQueued`]. Errors: [`Error::UnknownVault`],
		/// [`Error::VaultPaused`], [`Error::ZeroTokens`], [`Error::InsufficientTokens`],
		/// [`Error::RedeemTooSmall`], [`Error::RateMoved`], [`Error::TooManyRedemptions`],
		/// `ArithmeticError::Overflow`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::redeem())]
		pub fn redeem(
			origin: OriginFor<T>,
			vault: VaultId,
			tokens: T::Balance,
			min_value: T::Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_redeem(who, vault, tokens, min_value)
		}

		/// Pay `owner`'s redemption `id` of `vault` to `owner`: its shares at today's rate, at
		/// most what they were worth when released. Waits while a slash of the vault's operator
		/// waits: paid after it, the redemption bears its share of the loss.
		///
		/// - Origin: signed (anyone; the funds go to `owner`). Works while the vault is paused.
		///
		/// Emits [`Event::Withdrawn`]. Errors: [`Error::UnknownVault`],
		/// [`Error::UnknownRedemption`], [`Error::NotReleased`], [`Error::SlashPending`],
		/// [`Error::NotUnlocked`],
		/// [`Error::AwaitingLiquidity`], `ArithmeticError::Overflow`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw())]
		pub fn withdraw(
			origin: OriginFor<T>,
			vault: VaultId,
			owner: T::AccountId,
			id: u32,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_withdraw(owner, vault, id)
		}

		/// Compound the vault's rewards and release its redemption queue for the current era.
		///
		/// - Origin: signed (anyone).
		///
		/// Emits [`Event::Compounded`], [`Event::RedemptionsReleased`] or the `…Deferred`
		/// events when there is something to do. Errors: [`Error::UnknownVault`]. (Every
		/// step is best effort: what the staking or restaking layer refuses waits.)
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::poke())]
		pub fn poke(origin: OriginFor<T>, vault: VaultId) -> DispatchResult {
			ensure_signed(origin)?;
			let mut record = Vaults::<T>::get(vault).ok_or(Error::<T>::UnknownVault)?;
			Self::sync(vault, &mut record);
			Vaults::<T>::insert(vault, record);
			Ok(())
		}

		/// Pause (`paused = true`) or resume a vault's deposits and redemptions. Releases and
		/// payouts go on while it is paused.
		///
		/// - Origin: `PauseOrigin`.
		///
		/// Emits [`Event::PauseSet`]. Errors: [`Error::UnknownVault`], [`Error::PauseUnchanged`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_paused())]
		pub fn set_paused(origin: OriginFor<T>, vault: VaultId, paused: bool) -> DispatchResult {
			T::PauseOrigin::ensure_origin(origin)?;
			Vaults::<T>::try_mutate(vault, |record| {
				let record = record.as_mut().ok_or(Error::<T>::UnknownVault)?;
				ensure!(record.paused != paused, Error::<T>::PauseUnchanged);
				record.paused = paused;
				Ok::<_, DispatchError>(())
			})?;
			Self::deposit_event(Event::PauseSet { vault, paused });
			Ok(())
		}
	}
}
