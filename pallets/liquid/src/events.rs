//! The pallet's events and errors: a [`pallet_section`] imported into the pallet module.

use frame_support::pallet_macros::pallet_section;

#[pallet_section]
mod events {
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
}
