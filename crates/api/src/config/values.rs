//! The value types of settings: secrets that never print, command lines, human durations and
//! byte sizes as they are written in `portico.toml` and the environment.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A configuration value that must never be printed.
#[derive(Clone, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// A command line: a program (`deploy_command = "/srv/deploy.sh"`, also from the environment),
/// or a program and its arguments (`deploy_command = ["/usr/bin/env", "deploy", "--fast"]`).
/// It is run without a shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CommandLine {
    Program(String),
    WithArguments(Vec<String>),
}

impl CommandLine {
    /// The program and its arguments.
    pub fn parts(&self) -> (&str, &[String]) {
        match self {
            CommandLine::Program(program) => (program, &[]),
            CommandLine::WithArguments(parts) => match parts.split_first() {
                Some((program, arguments)) => (program, arguments),
                None => ("", &[]),
            },
        }
    }
}

/// A duration written like `30m`, `12h` or `10d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanDuration(pub Duration);

impl Serialize for HumanDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&humantime::format_duration(self.0).to_string())
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        humantime::parse_duration(&text)
            .map(HumanDuration)
            .map_err(|e| serde::de::Error::custom(format!("`{text}` is not a duration like 30m, 12h or 10d ({e})")))
    }
}

/// A size written like `64KiB`, `2GiB` or a plain number of bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl ByteSize {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
        let (digits, unit) = text.split_at(split);
        let number: u64 = digits.parse().map_err(|_| format!("`{text}` is not a size like 64KiB or 2GiB"))?;
        let factor: u64 = match unit.trim() {
            "" | "B" => 1,
            "KiB" | "KB" | "K" => 1 << 10,
            "MiB" | "MB" | "M" => 1 << 20,
            "GiB" | "GB" | "G" => 1 << 30,
            "TiB" | "TB" | "T" => 1 << 40,
            other => {
                return Err(format!("unknown size unit `{other}` (use B, KiB, MiB, GiB or TiB)"));
            }
        };
        number.checked_mul(factor).map(ByteSize).ok_or_else(|| format!("`{text}` is too large"))
    }
}

impl Serialize for ByteSize {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{}B", self.0))
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Number(n) => Ok(ByteSize(n)),
            Raw::Text(text) => ByteSize::parse(&text).map_err(serde::de::Error::custom),
        }
    }
}
