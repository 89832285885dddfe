//! Settings read from environment variables: secrets that must never be printed, and
//! the typed problems found while reading them.
//!
//! Readers take a lookup function instead of calling `std::env::var` themselves, so
//! the Worker can pass its own bindings and tests can pass a map.

use std::fmt;

/// A secret read from configuration (an API key, a password). `Debug` and `Display`
/// print a placeholder, so a secret cannot reach a log through formatting.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"…\")")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("…")
    }
}

/// One problem in the environment variables. The variants carry the variable name so
/// the command line can translate the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvProblem {
    /// A variable that the chosen settings require is unset or empty.
    #[error("{variable} is missing: {reason}")]
    Missing {
        /// Variable name.
        variable: &'static str,
        /// Why it is required, and what to set.
        reason: String,
    },
    /// A variable has a value that cannot be used. Never built for a secret's value.
    #[error("{variable} is invalid: `{value}`, expected {expected}")]
    Invalid {
        /// Variable name.
        variable: &'static str,
        /// The value as read.
        value: String,
        /// What is accepted.
        expected: String,
    },
    /// Two variables contradict each other or make an unsafe combination.
    #[error("{variable}: {reason}")]
    Conflict {
        /// The variable to change.
        variable: &'static str,
        /// What is wrong and how to fix it.
        reason: String,
    },
}

/// Every problem found in the environment variables, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvError {
    /// The problems, in the order the variables were read.
    pub problems: Vec<EnvProblem>,
}

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [single] => write!(f, "{single}"),
            problems => {
                write!(f, "{} problems in the environment variables:", problems.len())?;
                for (index, problem) in problems.iter().enumerate() {
                    write!(f, "\n  {}. {problem}", index + 1)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for EnvError {}

/// Reads a variable through `lookup`, treating an empty value as unset.
pub(crate) fn read(lookup: &dyn Fn(&str) -> Option<String>, variable: &str) -> Option<String> {
    lookup(variable)
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// Looks a variable up in the process environment.
pub fn process_env(variable: &str) -> Option<String> {
    std::env::var(variable).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_formatting_hides_value() {
        let secret = Secret::new("sk_test_123");
        assert_eq!(format!("{secret:?}"), "Secret(\"…\")");
        assert_eq!(secret.to_string(), "…");
        assert_eq!(secret.expose(), "sk_test_123");
    }

    #[test]
    fn env_error_lists_every_problem() {
        let error = EnvError {
            problems: vec![
                EnvProblem::Missing {
                    variable: "A",
                    reason: "set it".to_owned(),
                },
                EnvProblem::Invalid {
                    variable: "B",
                    value: "x".to_owned(),
                    expected: "a number".to_owned(),
                },
            ],
        };
        assert_eq!(
            error.to_string(),
            "2 problems in the environment variables:\n  1. A is missing: set it\n  2. B is invalid: `x`, expected a number"
        );
    }
}
