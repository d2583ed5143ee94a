//! What deployments and restarts run, per environment, as the operator configured it
//! (`PORTICO_DEPLOY_COMMAND[_<ENV>]`, `PORTICO_RESTART_COMMAND[_<ENV>]`), checked when the server
//! starts: a program that does not exist or is not executable stops the start with the setting's
//! name, instead of failing the first deployment.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use portico_domain::projects::Environment;

use crate::config::{CommandLine, ConfigError, Settings, invalid};

/// A checked command: the program's absolute path and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetCommand {
    pub program: PathBuf,
    pub arguments: Vec<String>,
    /// The setting it came from (for the log).
    pub setting: &'static str,
}

#[derive(Debug, Clone)]
pub struct DeployTargets {
    deploy: [Option<TargetCommand>; 4],
    restart: [Option<TargetCommand>; 4],
    /// Names of the server's environment variables the commands also get.
    pub passthrough: Vec<String>,
    pub log_limit: u64,
    /// The clock's durations: runs are timed by the context's clock.
    pub timeout: chrono::Duration,
    pub lease: chrono::Duration,
}

fn slot(environment: Environment) -> usize {
    match environment {
        Environment::Qa => 0,
        Environment::Uat => 1,
        Environment::Stg => 2,
        Environment::Prod => 3,
    }
}

/// Finds `program` (a path, or a name looked up in `PATH`) and checks it is an executable file.
fn resolve(setting: &'static str, command: &CommandLine) -> Result<TargetCommand, ConfigError> {
    let (program, arguments) = command.parts();
    if program.trim().is_empty() {
        return Err(invalid(setting, "names no program"));
    }
    let candidates: Vec<PathBuf> = if program.contains('/') {
        vec![std::env::current_dir().map(|dir| dir.join(program)).unwrap_or_else(|_| PathBuf::from(program))]
    } else {
        std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).map(|dir| dir.join(program)).collect())
            .unwrap_or_default()
    };
    let found = candidates
        .iter()
        .find(|path| path.is_file())
        .ok_or_else(|| invalid(setting, format!("`{program}` does not exist (give the path of the program to run)")))?;
    let executable = std::fs::metadata(found).is_ok_and(|m| m.permissions().mode() & 0o111 != 0);
    if !executable {
        return Err(invalid(setting, format!("`{}` is not executable (chmod +x it)", found.display())));
    }
    let program = found.canonicalize().unwrap_or_else(|_| found.clone());
    Ok(TargetCommand { program, arguments: arguments.to_vec(), setting })
}

impl DeployTargets {
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        let pick = |general: &Option<CommandLine>,
                    general_name: &'static str,
                    overrides: [(&Option<CommandLine>, &'static str); 4]|
         -> Result<[Option<TargetCommand>; 4], ConfigError> {
            let general = general.as_ref().map(|command| resolve(general_name, command)).transpose()?;
            let mut chosen: [Option<TargetCommand>; 4] = Default::default();
            for (index, (command, name)) in overrides.into_iter().enumerate() {
                chosen[index] = match command {
                    Some(command) => Some(resolve(name, command)?),
                    None => general.clone(),
                };
            }
            Ok(chosen)
        };
        let deploy = pick(
            &settings.deploy_command,
            "deploy_command",
            [
                (&settings.deploy_command_qa, "deploy_command_qa"),
                (&settings.deploy_command_uat, "deploy_command_uat"),
                (&settings.deploy_command_stg, "deploy_command_stg"),
                (&settings.deploy_command_prod, "deploy_command_prod"),
            ],
        )?;
        let restart = pick(
            &settings.restart_command,
            "restart_command",
            [
                (&settings.restart_command_qa, "restart_command_qa"),
                (&settings.restart_command_uat, "restart_command_uat"),
                (&settings.restart_command_stg, "restart_command_stg"),
                (&settings.restart_command_prod, "restart_command_prod"),
            ],
        )?;
        let passthrough: Vec<String> = settings
            .deploy_env_passthrough
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect();
        if let Some(bad) = passthrough.iter().find(|name| !is_passable(name)) {
            return Err(invalid(
                "deploy_env_passthrough",
                format!("`{bad}` cannot be passed on: Portico's own settings and secrets stay with the server"),
            ));
        }
        Ok(Self {
            deploy,
            restart,
            passthrough,
            log_limit: settings.deploy_log_limit.0,
            timeout: chrono::Duration::from_std(settings.deploy_timeout.0).unwrap_or(chrono::Duration::MAX),
            lease: chrono::Duration::from_std(settings.deploy_lease.0)
                .map_err(|_| invalid("deploy_lease", "is too long"))?,
        })
    }

    /// What deploying to `environment` runs, if anything.
    pub fn deploy(&self, environment: Environment) -> Option<&TargetCommand> {
        self.deploy[slot(environment)].as_ref()
    }

    /// What restarting `environment` runs, if anything.
    pub fn restart(&self, environment: Environment) -> Option<&TargetCommand> {
        self.restart[slot(environment)].as_ref()
    }
}

/// A variable a command may be given: a name, and none of Portico's own (`PORTICO_*` settings
/// carry the master key, the database URL and the SMTP credentials) or the object store's keys.
fn is_passable(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !upper.starts_with("PORTICO_")
        && !upper.starts_with("AWS_")
        && !upper.starts_with("AZURE_")
}

/// How a command reads in a deployment's log.
pub fn describe(command: &TargetCommand) -> String {
    let mut text = command.program.display().to_string();
    for argument in &command.arguments {
        text.push(' ');
        text.push_str(argument);
    }
    text
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn settings(overrides: serde_json::Value) -> Settings {
        Settings::from_overrides(overrides).unwrap()
    }

    fn script(dir: &Path, name: &str, mode: u32) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    #[test]
    fn a_general_command_serves_every_environment_without_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let general = script(dir.path(), "deploy.sh", 0o755);
        let prod = script(dir.path(), "deploy-prod.sh", 0o755);
        let targets = DeployTargets::from_settings(&settings(serde_json::json!({
            "deploy_command": general,
            "deploy_command_prod": [prod, "--careful"],
        })))
        .unwrap();
        assert_eq!(targets.deploy(Environment::Qa).unwrap().program, general.canonicalize().unwrap());
        let production = targets.deploy(Environment::Prod).unwrap();
        assert_eq!(
            (production.arguments.as_slice(), production.setting),
            (&["--careful".to_owned()][..], "deploy_command_prod")
        );
        assert!(targets.restart(Environment::Qa).is_none());
    }

    #[test]
    fn missing_or_non_executable_programs_stop_the_start_naming_the_setting() {
        let dir = tempfile::tempdir().unwrap();
        let error = DeployTargets::from_settings(&settings(serde_json::json!({"deploy_command": "/no/such/deploy"})))
            .unwrap_err()
            .to_string();
        assert!(error.contains("PORTICO_DEPLOY_COMMAND") && error.contains("does not exist"), "{error}");
        let plain = script(dir.path(), "notes.txt", 0o644);
        let error = DeployTargets::from_settings(&settings(serde_json::json!({"restart_command_stg": plain})))
            .unwrap_err()
            .to_string();
        assert!(error.contains("PORTICO_RESTART_COMMAND_STG") && error.contains("not executable"), "{error}");
        let error = DeployTargets::from_settings(&settings(
            serde_json::json!({"deploy_env_passthrough": "HOME, PORTICO_SECRET_KEY"}),
        ))
        .unwrap_err()
        .to_string();
        assert!(error.contains("PORTICO_DEPLOY_ENV_PASSTHROUGH"), "{error}");
    }

    #[test]
    fn bare_names_are_found_on_the_path() {
        let targets =
            DeployTargets::from_settings(&settings(serde_json::json!({"deploy_command": ["sh", "-c", "true"]})))
                .unwrap();
        assert!(targets.deploy(Environment::Uat).unwrap().program.is_absolute());
    }
}
