//! Kubernetes resource quantities (`512Mi`, `1G`, `0.5`, `500m`, `1e3`), as the API
//! server reads them (`k8s.io/apimachinery/pkg/api/resource`):
//!
//! ```text
//! quantity ::= [+-] number suffix
//! number   ::= digits | digits "." digits? | "." digits
//! suffix   ::= "" | binarySI (Ki Mi Gi Ti Pi Ei) | decimalSI (n u m k M G T P E)
//!            | ("e" | "E") [+-]? digits
//! ```
//!
//! Anything else (`512MB`, `1.5.0`, `ten`, a space inside) is rejected by the API
//! server, so it is an error here too, never a guess.

use std::fmt;

/// A parsed quantity. The value is kept as a float: limits are compared and shown,
/// not accounted to the byte, and the API server rounds the same way (up).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity {
    value: f64,
}

/// Why a quantity was rejected, for a located problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityError {
    pub text: String,
    pub reason: &'static str,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a Kubernetes quantity: {}", self.text, self.reason)
    }
}

impl std::error::Error for QuantityError {}

impl Quantity {
    /// Parses a quantity written as text (a YAML scalar's decoded value).
    pub fn parse(text: &str) -> Result<Self, QuantityError> {
        let err = |reason| QuantityError { text: text.to_string(), reason };
        if text.is_empty() {
            return Err(err("it is empty"));
        }
        // The API server allows no surrounding spaces either.
        let (negative, rest) = match text.as_bytes()[0] {
            b'+' => (false, &text[1..]),
            b'-' => (true, &text[1..]),
            _ => (false, text),
        };
        let number_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(number_end);
        if number.is_empty() || number == "." {
            return Err(err("it does not start with a number"));
        }
        if number.matches('.').count() > 1 {
            return Err(err("the number has more than one decimal point"));
        }
        let mantissa: f64 = number.parse().map_err(|_| err("the number cannot be read"))?;
        let multiplier =
            match suffix {
                "" => 1.0,
                "Ki" => 1024f64,
                "Mi" => 1024f64.powi(2),
                "Gi" => 1024f64.powi(3),
                "Ti" => 1024f64.powi(4),
                "Pi" => 1024f64.powi(5),
                "Ei" => 1024f64.powi(6),
                "n" => 1e-9,
                "u" => 1e-6,
                "m" => 1e-3,
                "k" => 1e3,
                "M" => 1e6,
                "G" => 1e9,
                "T" => 1e12,
                "P" => 1e15,
                "E" => 1e18,
                s if s.starts_with(['e', 'E']) => {
                    let exp = &s[1..];
                    let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
                    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(err("the exponent is not an integer"));
                    }
                    // Longer exponents overflow any resource the API server accepts.
                    let exp: i32 = exp
                        .parse()
                        .ok()
                        .filter(|e: &i32| e.abs() <= 308)
                        .ok_or_else(|| err("the exponent is out of range"))?;
                    10f64.powi(exp)
                }
                _ => return Err(err(
                    "unknown suffix (use Ki, Mi, Gi, Ti, Pi, Ei, or n, u, m, k, M, G, T, P, E, or an exponent like e3)",
                )),
            };
        let value = mantissa * multiplier;
        if !value.is_finite() {
            return Err(err("it is out of range"));
        }
        Ok(Self { value: if negative { -value } else { value } })
    }

    /// The value in base units (bytes for memory, CPUs for cpu).
    pub fn value(self) -> f64 {
        self.value
    }

    /// The value as bytes, rounded up as the API server does; `None` when it does not
    /// fit an `i64`.
    pub fn bytes(self) -> Option<i64> {
        let b = self.value.ceil();
        (b.abs() < i64::MAX as f64).then_some(b as i64)
    }

    /// The value as CPU millicores, rounded up (the API server's precision for cpu).
    pub fn millicores(self) -> Option<i64> {
        let m = (self.value * 1000.0).ceil();
        (m.abs() < i64::MAX as f64).then_some(m as i64)
    }

    /// The value as a fraction of one CPU (`500m` is 0.5), after rounding to millicores,
    /// as `ContainerSpec::resources.cpus` holds it.
    pub fn cpus(self) -> Option<f64> {
        self.millicores().map(|m| m as f64 / 1000.0)
    }

    /// The value as nano-CPUs (Docker's `NanoCpus`).
    pub fn nano_cpus(self) -> Option<i64> {
        self.millicores().and_then(|m| m.checked_mul(1_000_000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn memory_suffixes() {
        assert_eq!(q("512Mi").bytes(), Some(512 * 1024 * 1024));
        assert_eq!(q("1G").bytes(), Some(1_000_000_000));
        assert_eq!(q("1Gi").bytes(), Some(1 << 30));
        assert_eq!(q("128974848").bytes(), Some(128_974_848));
        assert_eq!(q("129e6").bytes(), Some(129_000_000));
        assert_eq!(q("1e3").bytes(), Some(1000));
        assert_eq!(q("1E3").bytes(), Some(1000));
        assert_eq!(q("123k").bytes(), Some(123_000));
        assert_eq!(q("1.5Gi").bytes(), Some(3 << 29));
        // Sub-byte values round up.
        assert_eq!(q("1500m").bytes(), Some(2));
    }

    #[test]
    fn cpu_values() {
        assert_eq!(q("500m").millicores(), Some(500));
        assert_eq!(q("0.5").cpus(), Some(0.5));
        assert_eq!(q("2").cpus(), Some(2.0));
        assert_eq!(q(".25").millicores(), Some(250));
        assert_eq!(q("1.").millicores(), Some(1000));
        assert_eq!(q("100u").millicores(), Some(1), "rounded up to the API server's millicore precision");
        assert_eq!(q("1.5").nano_cpus(), Some(1_500_000_000));
        assert_eq!(q("+1").cpus(), Some(1.0));
        assert_eq!(q("-1").cpus(), Some(-1.0));
        assert_eq!(q("0").cpus(), Some(0.0));
    }

    #[test]
    fn invalid_quantities_are_errors_with_a_reason() {
        for bad in
            ["", "Mi", "512MB", "1.5.0", "ten", " 1", "1 ", "1e", "1e+", "1ex", "1e999999", "5mi", "1KI", ".", "-"]
        {
            let e = Quantity::parse(bad).expect_err(bad);
            assert!(e.to_string().contains("not a Kubernetes quantity"), "{e}");
        }
        assert!(Quantity::parse("1e400").is_err(), "out of range exponents");
        assert!(Quantity::parse(&"9".repeat(400)).is_err(), "overflow is an error");
        assert_eq!(Quantity::parse("9Ei").map(|q| q.bytes()), Ok(None), "too large for bytes, but a quantity");
    }
}
