//! L2-regularised logistic regression with non-negative coefficients, small and deterministic.
//!
//! Minimises `Σ log-loss + λ/2 · ‖β‖²` over standardised features (the intercept is not
//! penalised) by accelerated projected gradient descent (FISTA) with a fixed step from a
//! bound on the curvature: no randomness, a fixed iteration order, a fixed iteration budget,
//! so the same rows give the same coefficients bit for bit. Coefficients are kept ≥ 0
//! because each becomes a policy weight, and a policy weight cannot be negative (a signal
//! that does not predict trouble gets 0, it does not vouch for a change).

/// Fit settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// L2 penalty on the standardised coefficients, in the summed-loss objective (1 is the
    /// usual default of logistic regression libraries, `C = 1`).
    pub lambda: f64,
    /// Most gradient steps.
    pub iterations: usize,
    /// Stop once no parameter moves more than this in one step.
    pub tolerance: f64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            lambda: 1.0,
            iterations: 20_000,
            tolerance: 1e-9,
        }
    }
}

/// A fitted model in the features' own units.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The log-odds at all-zero features.
    pub intercept: f64,
    /// One per feature column, each ≥ 0.
    pub coefficients: Vec<f64>,
}

impl Model {
    /// The linear predictor (log-odds) of one row.
    #[must_use]
    pub fn predict(&self, row: &[f64]) -> f64 {
        self.intercept
            + self
                .coefficients
                .iter()
                .zip(row)
                .map(|(beta, x)| beta * x)
                .sum::<f64>()
    }
}

/// Fits `rows` (one per sample, every row as long as the first) against `labels`.
#[must_use]
pub fn fit(rows: &[Vec<f64>], labels: &[bool], options: &Options) -> Model {
    let columns = rows.first().map_or(0, Vec::len);
    let n = rows.len() as f64;
    if rows.is_empty() {
        return Model {
            intercept: 0.0,
            coefficients: vec![0.0; columns],
        };
    }
    // Standardise: a column's scale must not decide how hard the penalty pulls on it.
    let mean: Vec<f64> = (0..columns)
        .map(|j| rows.iter().map(|row| row[j]).sum::<f64>() / n)
        .collect();
    let spread: Vec<f64> = (0..columns)
        .map(|j| {
            let variance = rows
                .iter()
                .map(|row| (row[j] - mean[j]).powi(2))
                .sum::<f64>()
                / n;
            variance.sqrt()
        })
        .collect();
    let z: Vec<Vec<f64>> = rows
        .iter()
        .map(|row| {
            (0..columns)
                .map(|j| {
                    if spread[j] > 0.0 {
                        (row[j] - mean[j]) / spread[j]
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    let y: Vec<f64> = labels
        .iter()
        .map(|&label| f64::from(u8::from(label)))
        .collect();
    // Standardised columns have mean square ≤ 1, so the Hessian of the summed loss is at
    // most n/4 · (columns + 1) in norm: a safe fixed step.
    let step = 1.0 / (0.25 * n * (columns as f64 + 1.0) + options.lambda);
    // Parameters: [intercept, β₁ … βₚ].
    let mut theta = vec![0.0; columns + 1];
    let mut previous = theta.clone();
    let mut momentum_point = theta.clone();
    let mut t = 1.0_f64;
    for _ in 0..options.iterations {
        let gradient = gradient(&z, &y, &momentum_point, options.lambda);
        let mut next: Vec<f64> = momentum_point
            .iter()
            .zip(&gradient)
            .map(|(value, slope)| value - step * slope)
            .collect();
        for beta in next.iter_mut().skip(1) {
            *beta = beta.max(0.0);
        }
        let moved = next
            .iter()
            .zip(&theta)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        let t_next = f64::midpoint(1.0, (1.0 + 4.0 * t * t).sqrt());
        let pull = (t - 1.0) / t_next;
        previous.clone_from(&theta);
        theta.clone_from(&next);
        momentum_point = theta
            .iter()
            .zip(&previous)
            .enumerate()
            .map(|(index, (now, before))| {
                let value = now + pull * (now - before);
                if index == 0 { value } else { value.max(0.0) }
            })
            .collect();
        t = t_next;
        if moved < options.tolerance {
            break;
        }
    }
    // Back to the features' own units.
    let coefficients: Vec<f64> = (0..columns)
        .map(|j| {
            if spread[j] > 0.0 {
                theta[j + 1] / spread[j]
            } else {
                0.0
            }
        })
        .collect();
    let intercept = theta[0]
        - coefficients
            .iter()
            .zip(&mean)
            .map(|(beta, mu)| beta * mu)
            .sum::<f64>();
    Model {
        intercept,
        coefficients,
    }
}

/// Gradient of the penalised summed log-loss at `theta`.
fn gradient(z: &[Vec<f64>], y: &[f64], theta: &[f64], lambda: f64) -> Vec<f64> {
    let mut gradient = vec![0.0; theta.len()];
    for (row, label) in z.iter().zip(y) {
        let eta = theta[0]
            + theta[1..]
                .iter()
                .zip(row)
                .map(|(beta, x)| beta * x)
                .sum::<f64>();
        let residual = sigmoid(eta) - label;
        gradient[0] += residual;
        for (slot, x) in gradient[1..].iter_mut().zip(row) {
            *slot += residual * x;
        }
    }
    for (slot, beta) in gradient[1..].iter_mut().zip(&theta[1..]) {
        *slot += lambda * beta;
    }
    gradient
}

fn sigmoid(eta: f64) -> f64 {
    if eta >= 0.0 {
        1.0 / (1.0 + (-eta).exp())
    } else {
        let e = eta.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A column that separates the labels gets the weight; noise and an anti-predictive
    /// column do not (the latter is held at 0, never negative).
    #[test]
    #[allow(clippy::float_cmp, reason = "the projection sets exactly 0")]
    fn the_predictive_column_wins_and_none_goes_negative() {
        let mut rows = Vec::new();
        let mut labels = Vec::new();
        for i in 0..200_u32 {
            let label = i % 10 == 0;
            let signal = if label { 3.0 } else { f64::from(i % 3) * 0.2 };
            let noise = f64::from((i * 7919) % 13);
            let anti = if label { 0.0 } else { 2.0 };
            rows.push(vec![noise, signal, anti]);
            labels.push(label);
        }
        let model = fit(&rows, &labels, &Options::default());
        assert!(model.coefficients[1] > 0.5, "{model:?}");
        assert!(
            model.coefficients[1] > 10.0 * model.coefficients[0],
            "{model:?}"
        );
        assert_eq!(model.coefficients[2], 0.0, "{model:?}");
        let positive = model.predict(&[0.0, 3.0, 0.0]);
        let negative = model.predict(&[0.0, 0.2, 2.0]);
        assert!(positive > negative);
        // Same rows, same model, bit for bit.
        assert_eq!(model, fit(&rows, &labels, &Options::default()));
    }

    /// A constant column carries nothing and gets 0; no rows give an all-zero model.
    #[test]
    #[allow(clippy::float_cmp, reason = "a constant column is never moved from 0")]
    fn constant_columns_and_empty_input() {
        let rows = vec![
            vec![1.0, 0.0],
            vec![1.0, 5.0],
            vec![1.0, 0.0],
            vec![1.0, 6.0],
        ];
        let labels = [false, true, false, true];
        let model = fit(&rows, &labels, &Options::default());
        assert_eq!(model.coefficients[0], 0.0);
        assert!(model.coefficients[1] > 0.0);
        let empty = fit(&[], &[], &Options::default());
        assert!(empty.coefficients.is_empty());
    }
}
