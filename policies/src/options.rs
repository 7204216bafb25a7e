//! Evaluation options: the Pod Security level and version, and user parameters. They reach Rego as
//! `input.parameters`, so a rule reads `input.parameters.pss_version` rather than a global.

use crate::PssLevel;
use serde_json::{Map, Value, json};
use std::fmt;
use std::str::FromStr;

/// The newest Pod Security Standards version (`v1.<minor>`) the built-in rules know.
pub const LATEST_PSS_VERSION: u32 = 37;

/// A Pod Security Standards version: `latest` or `v1.<minor>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PssVersion {
    #[default]
    Latest,
    Minor(u32),
}

impl PssVersion {
    /// The minor version number the rules compare against.
    pub fn minor(self) -> u32 {
        match self {
            PssVersion::Latest => LATEST_PSS_VERSION,
            PssVersion::Minor(m) => m.min(LATEST_PSS_VERSION),
        }
    }
}

impl FromStr for PssVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "latest" {
            return Ok(PssVersion::Latest);
        }
        let bare = s.strip_prefix('v').unwrap_or(s);
        let minor = bare
            .strip_prefix("1.")
            .and_then(|m| m.parse::<u32>().ok())
            .ok_or_else(|| format!("invalid Pod Security version `{s}` (expected latest or v1.0…v1.{LATEST_PSS_VERSION})"))?;
        if minor > LATEST_PSS_VERSION {
            return Err(format!(
                "Pod Security version `{s}` is newer than the newest known (v1.{LATEST_PSS_VERSION}); use latest"
            ));
        }
        Ok(PssVersion::Minor(minor))
    }
}

impl fmt::Display for PssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PssVersion::Latest => f.write_str("latest"),
            PssVersion::Minor(m) => write!(f, "v1.{m}"),
        }
    }
}

/// Options every evaluation carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub pss_level: PssLevel,
    pub pss_version: PssVersion,
    /// Extra keys merged into `input.parameters` (user policies read them).
    pub parameters: Map<String, Value>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pss_level: PssLevel::Restricted,
            pss_version: PssVersion::Latest,
            parameters: Map::new(),
        }
    }
}

impl Options {
    /// The `input.parameters` object for these options.
    pub fn parameters_value(&self) -> Value {
        let mut params = self.parameters.clone();
        params.insert("pss_level".into(), json!(self.pss_level.as_str()));
        params.insert("pss_version".into(), json!(self.pss_version.minor()));
        Value::Object(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!("latest".parse(), Ok(PssVersion::Latest));
        assert_eq!("v1.25".parse(), Ok(PssVersion::Minor(25)));
        assert_eq!("1.0".parse(), Ok(PssVersion::Minor(0)));
        assert!("v2.1".parse::<PssVersion>().is_err());
        assert!("v1.99".parse::<PssVersion>().is_err());
        assert_eq!(PssVersion::Latest.minor(), LATEST_PSS_VERSION);
    }
}
