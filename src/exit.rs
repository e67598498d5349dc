//! Exit codes, in one place. Scripts and hooks rely on these; never reuse one for another meaning.
//!
//! | code | meaning |
//! |------|---------|
//! | 0 | `allow`: the change may go ahead (also: review needed and validly signed off) |
//! | 1 | `block`: the change must not go ahead as it is |
//! | 2 | error: bad usage, bad policy, git failure, missing evidence — nothing was judged |
//! | 3 | `review`: senior sign-off is required and has not been given |

use crate::vocabulary::Decision;

/// How the process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: allowed.
    Allow,
    /// 1: blocked.
    Block,
    /// 2: the gate could not judge the change.
    Error,
    /// 3: senior sign-off required and not given.
    SignOffRequired,
}

impl Exit {
    /// The process exit code.
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Self::Allow => 0,
            Self::Block => 1,
            Self::Error => 2,
            Self::SignOffRequired => 3,
        }
    }

    /// The worse of two exits when several changes are judged together: block, then
    /// sign-off required, then allow (an error never comes from a judged change).
    #[must_use]
    pub fn worse(self, other: Self) -> Self {
        let rank = |exit: Self| match exit {
            Self::Allow => 0,
            Self::SignOffRequired => 1,
            Self::Block => 2,
            Self::Error => 3,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }

    /// The exit for a decision that stands (no sign-off given).
    #[must_use]
    pub fn for_decision(decision: Decision) -> Self {
        match decision {
            Decision::Allow => Self::Allow,
            Decision::Block => Self::Block,
            Decision::Review => Self::SignOffRequired,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        Self::from(exit.code())
    }
}
