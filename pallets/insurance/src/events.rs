//! The pallet's events and errors: a [`pallet_section`] imported into the pallet module.

use frame_support::pallet_macros::pallet_section;

#[pallet_section]
mod events {
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A pool was created.
		PoolCreated { pool: PoolId, owner: T::AccountId, services: Vec<ServiceId> },
		/// An underwriter deposited `amount` for `shares`.
		Deposited { pool: PoolId, who: T::AccountId, amount: BalanceOf<T>, shares: BalanceOf<T> },
		/// An underwriter asked to withdraw `shares`: it can, from block `withdrawable_at` until
		/// block `expires` (excluded), when the request expires.
		WithdrawRequested {
			pool: PoolId,
			who: T::AccountId,
			shares: BalanceOf<T>,
			withdrawable_at: BlockNumberFor<T>,
			expires: BlockNumberFor<T>,
		},
		/// An underwriter withdrew `amount` for `shares`.
		Withdrawn { pool: PoolId, who: T::AccountId, amount: BalanceOf<T>, shares: BalanceOf<T> },
		/// Cover was bought.
		CoverBought {
			cover: CoverId,
			pool: PoolId,
			operator: T::AccountId,
			service: ServiceId,
			amount: BalanceOf<T>,
			premium: BalanceOf<T>,
			end: BlockNumberFor<T>,
		},
		/// A cover paid for a slash, into the operator pool's compensation.
		CoverPaid { cover: CoverId, slash: u64, amount: BalanceOf<T> },
		/// The reserve topped a pool up after a payout.
		PoolToppedUp { pool: PoolId, amount: BalanceOf<T> },
		/// A cover past its end and grace was released; `unused` went back to free capital.
		CoverReleased { cover: CoverId, unused: BalanceOf<T> },
		/// Premium a pool earned while it had no underwriter went to the reserve.
		PremiumToReserve { pool: PoolId, amount: BalanceOf<T> },
		/// A cover made room for the higher-ranked cover `by` on a full list; its buyer got
		/// `refund`, the unused part of its premium, back (none if it could not take it: the
		/// pool earned it).
		CoverEvicted { cover: CoverId, by: CoverId, refund: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No pool with this id.
		UnknownPool,
		/// A pool must cover at least one service, each live, listed once, at most
		/// `MaxCoveredServices`.
		InvalidServices,
		/// `base + slope` above `MaxRate`.
		RateTooHigh,
		/// An amount of zero or below the minimum.
		AmountTooLow,
		/// The pool lost all its capital; its shares are worthless and it takes no deposits.
		PoolDepleted,
		/// The account has no position in the pool.
		NoPosition,
		/// More shares than the position holds (or than are not already unbonding).
		InsufficientShares,
		/// A withdrawal request is already waiting or can be executed (until it expires).
		WithdrawalPending,
		/// No withdrawal was requested.
		NoWithdrawal,
		/// The cooldown has not passed.
		CooldownNotOver,
		/// The withdrawal would take capital locked behind covers.
		CapitalLocked,
		/// A slash that one of the pool's covers may have to pay waits: no capital enters or
		/// leaves the pool until it has executed or been vetoed.
		ClaimPending,
		/// The pool does not cover this service.
		ServiceNotCovered,
		/// The operator has no stake allocated to the service.
		NotAllocated,
		/// A period outside `[MinCoverPeriod, MaxCoverPeriod]`.
		InvalidPeriod,
		/// The cover exceeds the pool's free capital.
		InsufficientCapacity,
		/// `MaxCoversPerPool` or `MaxCoversPerTarget` covers are active and none of them that
		/// no waiting slash may claim ranks below the new cover (`(amount − deductible) ×
		/// blocks left`).
		TooManyCovers,
		/// After the pool's deductible the cover could pay less than `MinCover` per slash.
		CoverWorthless,
		/// The withdrawal request expired (see [`Pallet::request_withdraw`]): ask again.
		WithdrawalExpired,
	}
}
