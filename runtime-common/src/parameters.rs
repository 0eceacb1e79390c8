//! The values of the restaking pallets' constants in the restaking runtimes.
//!
//! Durations are types over `MINUTES`, the runtime's blocks per minute: `AllocationDelay<20>`
//! on 3-second blocks and `AllocationDelay<10>` on 6-second blocks both wait 30 seconds. They
//! are short enough for a dev chain: an allocation takes effect in 30 s, a deallocation in
//! 2 min, an undelegation completes after 3 min. A slash request waits 30 s to 1.5 min (the
//! service's policy chooses), always less than the deallocation delay, and while it waits no
//! stake leaves the operator's pool. A production chain sets its own.
//!
//! A few values stay counted in blocks, so they last twice as long (or cost half as much a day)
//! on 6-second blocks: `MinCoverPeriod` (10 blocks), `MaxCoverRate` (per block), and the
//! premium rates of the genesis pool.
//!
//! What depends on the runtime's eras (eras per year, the vaults' reward vesting) and the
//! runtime's own pallets (origins, adapters) stays in each runtime.

use frame_support::{parameter_types, traits::Get, PalletId};
use restaking_primitives::risk::{FloorEnforcement, OvercollateralizationFloor};
use sp_runtime::{FixedU128, Perbill};

use crate::{
	currency::{TOKEN_DECIMALS, UNIT},
	Balance, BlockNumber,
};

/// `duration! { Name = |minutes| blocks; }`: a type `Name<MINUTES>` whose `get()` (inherent,
/// and of `Get<BlockNumber>`) is `blocks`, computed from the runtime's blocks per minute.
macro_rules! duration {
	($($(#[$doc:meta])* $name:ident = |$minutes:ident| $blocks:expr;)*) => {$(
		$(#[$doc])*
		pub struct $name<const MINUTES: BlockNumber>;

		impl<const MINUTES: BlockNumber> $name<MINUTES> {
			/// The duration in blocks.
			pub const fn get() -> BlockNumber {
				let $minutes = MINUTES;
				$blocks
			}
		}

		impl<const MINUTES: BlockNumber> Get<BlockNumber> for $name<MINUTES> {
			fn get() -> BlockNumber {
				Self::get()
			}
		}
	)*};
}

// ---- pallet-restaking ----

parameter_types! {
	pub const RestakingPalletId: PalletId = PalletId(*b"rstk/pot");
	pub const ServiceDeposit: Balance = 100 * UNIT;
	pub const OperatorDeposit: Balance = 10 * UNIT;
	pub const MinSelfBond: Balance = 1_000 * UNIT;
	pub const MinDelegation: Balance = UNIT;
	pub const MaxCommission: Perbill = Perbill::from_percent(50);
	/// Unique stake: a slash on one service never lowers another's security.
	pub const MaxLeverage: u32 = 1;
	pub const MaxMetadataLen: u32 = 128;
	pub const MaxOperatorsPerService: u32 = 32;
	pub const MaxServicesPerOperator: u32 = 8;
	pub const MaxWithdrawals: u32 = 8;
	pub const MaxOutflowQueue: u32 = 256;
	/// Yield estimates are over the last 28 eras.
	pub const YieldEras: u32 = 28;
	/// Corrupting a service alone must cost a fifth more than it pays; the demo reports
	/// every action that breaks this and refuses none.
	pub MinOvercollateralization: Option<OvercollateralizationFloor> =
		Some(OvercollateralizationFloor {
			gamma: FixedU128::from_rational(1, 5),
			enforcement: FloorEnforcement::Report,
		});
	pub const DefaultParameters: pallet_restaking::Parameters = pallet_restaking::Parameters {
		max_restake_ratio: Perbill::from_percent(80),
		max_operator_share: Perbill::from_percent(75),
		max_service_operator_share: Perbill::from_percent(75),
		max_outflow_per_era: Perbill::from_percent(20),
		concentration_threshold: Perbill::from_percent(40),
		concentration_floor: Perbill::from_percent(50),
	};
}

duration! {
	/// A commission change takes effect after a minute.
	CommissionChangeDelay = |minutes| minutes;
	/// An allocation takes effect after half a minute.
	AllocationDelay = |minutes| minutes / 2;
	/// A deallocation takes effect after two minutes.
	DeallocationDelay = |minutes| 2 * minutes;
	/// An undelegation completes after three minutes.
	UndelegationDelay = |minutes| 3 * minutes;
}

// ---- pallet-slashing ----

parameter_types! {
	/// Per service and operator: one service can take at most half of what it can slash
	/// within a window, and never another service's room.
	pub const MaxSlashPerWindow: Perbill = Perbill::from_percent(50);
	pub const MaxSlashesPerWindow: u32 = 4;
	pub const MaxPendingSlashes: u32 = 256;
	pub const MaxPendingPerService: u32 = 16;
	pub const MaxSlashHistory: u32 = 16;
	pub const MaxContagionHistory: u32 = 16;
	pub const DisputeBond: Balance = 100 * UNIT;
	pub const RequestDeposit: Balance = 100 * UNIT;
}

duration! {
	/// The shortest veto window a service's policy may choose: half a minute.
	ServiceSlashDeferDuration = |minutes| minutes / 2;
	/// The longest veto window: a minute and a half, less than the deallocation delay.
	MaxVetoWindow = |minutes| minutes + minutes / 2;
	/// Two hours: longer than `MaxServicesPerOperator × MaxSlashesPerWindow × MaxVetoWindow`
	/// (8 × 4 × 1.5 min = 48 min), so the slashers of all of an operator's services together
	/// can keep its exits frozen for at most 40 % of any window.
	SlashWindow = |minutes| 120 * minutes;
}

/// A majority of the audit committee (instance `I` of `pallet-collective`).
pub type AuditMajority<I> = pallet_collective::EnsureProportionMoreThan<crate::AccountId, I, 1, 2>;
/// Two thirds of the audit committee (instance `I` of `pallet-collective`), or root.
pub type AuditTwoThirdsOrRoot<I> = frame_support::traits::EitherOfDiverse<
	frame_system::EnsureRoot<crate::AccountId>,
	pallet_collective::EnsureProportionAtLeast<crate::AccountId, I, 2, 3>,
>;

// ---- pallet-insurance ----

parameter_types! {
	pub const InsurancePalletId: PalletId = PalletId(*b"rstk/ins");
	/// Share of every realized slash that feeds the insurance reserve.
	pub const ReserveShare: Perbill = Perbill::from_percent(30);
	/// Share of every payout the reserve refunds to the paying pool.
	pub const ReserveCoverage: Perbill = Perbill::from_percent(50);
	pub const PoolDeposit: Balance = 100 * UNIT;
	pub const MinUnderwriterDeposit: Balance = UNIT;
	pub const MinCover: Balance = UNIT;
	/// Ten blocks.
	pub const MinCoverPeriod: BlockNumber = 10;
	/// At most 0.001 % of the cover per block.
	pub const MaxCoverRate: Perbill = Perbill::from_parts(10_000);
	pub const MaxCoveredServices: u32 = 8;
	pub const MaxCoversPerPool: u32 = 64;
	pub const MaxCoversPerTarget: u32 = 8;
}

duration! {
	/// A cover lasts at most a week.
	MaxCoverPeriod = |minutes| 7 * 24 * 60 * minutes;
	/// An underwriter's withdrawal waits two minutes.
	UnderwriterCooldown = |minutes| 2 * minutes;
}

// ---- pallet-liquid-restaking ----

parameter_types! {
	pub const LiquidPalletId: PalletId = PalletId(*b"rstk/lqd");
	pub const VaultDeposit: Balance = 10 * UNIT;
	pub const MinVaultDeposit: Balance = UNIT;
	/// A run on a vault releases at most a tenth of its value per era.
	pub const MaxRedeemPerEra: Perbill = Perbill::from_percent(10);
	pub const MaxRedemptions: u32 = 16;
	pub const MaxReleaseBatch: u32 = 16;
	pub const MaxSlashingSpans: u32 = 128;
	pub const CurrencyDecimals: u8 = TOKEN_DECIMALS;
	/// Vault tokens have 18 decimals: a donation to a vault costs its donor a million times
	/// what rounding can take from the next depositor.
	pub const VaultDecimalsOffset: u8 = 6;
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn durations_take_the_same_time_at_any_block_time() {
		// 3-second blocks (20 a minute) and 6-second blocks (10 a minute).
		let seconds = |blocks: BlockNumber, minutes: BlockNumber| blocks * 60 / minutes;
		assert_eq!(seconds(AllocationDelay::<20>::get(), 20), 30);
		assert_eq!(seconds(AllocationDelay::<10>::get(), 10), 30);
		assert_eq!(seconds(MaxVetoWindow::<20>::get(), 20), 90);
		assert_eq!(seconds(MaxVetoWindow::<10>::get(), 10), 90);
		assert_eq!(seconds(SlashWindow::<10>::get(), 10), 2 * 3_600);
		assert_eq!(seconds(MaxCoverPeriod::<20>::get(), 20), 7 * 24 * 3_600);
	}
}
