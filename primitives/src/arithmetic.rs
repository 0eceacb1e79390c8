//! The one multiply-divide the pallets scale balances, shares and rates with.

use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding, traits::UniqueSaturatedInto, Rounding,
};

/// `a × b / c`, computed in 128 bits with no intermediate overflow and rounded as asked.
///
/// `None` when `c` is zero or the result does not fit `R`. That is the only failure: each caller
/// says what it means there, an `ArithmeticError::Overflow` or a bound it keeps to.
pub fn mul_div<R: TryFrom<u128>>(
	a: impl UniqueSaturatedInto<u128>,
	b: impl UniqueSaturatedInto<u128>,
	c: impl UniqueSaturatedInto<u128>,
	rounding: Rounding,
) -> Option<R> {
	let c: u128 = c.unique_saturated_into();
	if c == 0 {
		return None;
	}
	multiply_by_rational_with_rounding(
		a.unique_saturated_into(),
		b.unique_saturated_into(),
		c,
		rounding,
	)
	.and_then(|r| R::try_from(r).ok())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn rounds_as_asked() {
		assert_eq!(mul_div::<u128>(10u128, 1u128, 3u128, Rounding::Down), Some(3));
		assert_eq!(mul_div::<u128>(10u128, 1u128, 3u128, Rounding::Up), Some(4));
		assert_eq!(mul_div::<u128>(10u128, 1u128, 3u128, Rounding::NearestPrefUp), Some(3));
		assert_eq!(mul_div::<u128>(9u128, 1u128, 3u128, Rounding::Up), Some(3));
	}

	#[test]
	fn a_product_beyond_128_bits_is_no_overflow() {
		let max = u128::MAX;
		assert_eq!(mul_div::<u128>(max, max - 1, max, Rounding::Down), Some(max - 1));
		assert_eq!(mul_div::<u128>(max, 3u128, 4u128, Rounding::Up), Some(max / 4 * 3 + 3));
	}

	#[test]
	fn a_zero_divisor_or_a_result_that_does_not_fit_is_none() {
		assert_eq!(mul_div::<u128>(1u128, 1u128, 0u128, Rounding::Down), None);
		assert_eq!(mul_div::<u128>(u128::MAX, 2u128, 1u128, Rounding::Down), None);
		assert_eq!(mul_div::<u64>(u64::MAX, 2u64, 1u64, Rounding::Down), None);
		assert_eq!(mul_div::<u64>(u64::MAX, 2u64, 2u64, Rounding::Down), Some(u64::MAX));
	}
}
