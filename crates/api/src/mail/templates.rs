//! Email templates: plain-text files whose first line is `Subject: ...`. Built-in defaults are
//! compiled in; a file of the same name in `PORTICO_TEMPLATE_DIR` replaces one.

use std::path::PathBuf;

use minijinja::Environment;
use serde::Serialize;

const BUILT_IN: &[(&str, &str)] = &[
    ("invitation", include_str!("templates/invitation.txt")),
    ("invitation_declined", include_str!("templates/invitation_declined.txt")),
    ("administrator_setup", include_str!("templates/administrator_setup.txt")),
    ("password_reset", include_str!("templates/password_reset.txt")),
    ("mfa_enrolment", include_str!("templates/mfa_enrolment.txt")),
    ("lockout", include_str!("templates/lockout.txt")),
    ("password_changed", include_str!("templates/password_changed.txt")),
    ("email_verification", include_str!("templates/email_verification.txt")),
    ("email_change_requested", include_str!("templates/email_change_requested.txt")),
    ("email_changed", include_str!("templates/email_changed.txt")),
    ("email_address_in_use", include_str!("templates/email_address_in_use.txt")),
    ("mfa_reset", include_str!("templates/mfa_reset.txt")),
    ("primary_contact_lost", include_str!("templates/primary_contact_lost.txt")),
    ("token_leaked", include_str!("templates/token_leaked.txt")),
    ("token_expiring", include_str!("templates/token_expiring.txt")),
    ("promotion_not_started", include_str!("templates/promotion_not_started.txt")),
    ("maintenance", include_str!("templates/maintenance.txt")),
    ("status_subscription", include_str!("templates/status_subscription.txt")),
    ("alert", include_str!("templates/alert.txt")),
    ("webhook_disabled", include_str!("templates/webhook_disabled.txt")),
];

pub struct Rendered {
    pub subject: String,
    pub body: String,
}

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn new(override_dir: Option<PathBuf>) -> Result<Self, String> {
        let mut env = Environment::new();
        env.set_keep_trailing_newline(true);
        for (name, built_in) in BUILT_IN {
            let source = match &override_dir {
                Some(dir) if dir.join(format!("{name}.txt")).is_file() => {
                    let path = dir.join(format!("{name}.txt"));
                    std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?
                }
                _ => (*built_in).to_owned(),
            };
            env.add_template_owned(*name, source).map_err(|e| format!("email template {name}: {e}"))?;
        }
        let templates = Self { env };
        // Fail at start, not at the first email, when an override is broken.
        for (name, _) in BUILT_IN {
            templates.env.get_template(name).map_err(|e| format!("email template {name}: {e}"))?;
        }
        Ok(templates)
    }

    pub fn render(&self, name: &str, context: impl Serialize) -> Result<Rendered, anyhow::Error> {
        let text = self.env.get_template(name)?.render(context)?;
        let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
        let subject = first
            .strip_prefix("Subject:")
            .ok_or_else(|| anyhow::anyhow!("email template {name} must start with `Subject: ...`"))?
            .trim()
            .to_owned();
        Ok(Rendered { subject, body: rest.trim_start_matches('\n').to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_templates_render_with_a_subject() {
        let templates = Templates::new(None).unwrap();
        let rendered = templates
            .render(
                "password_reset",
                minijinja::context! { name => "Ann", link => "http://x/reset-password#t", expires_in => "1 day" },
            )
            .unwrap();
        assert!(rendered.subject.contains("password"), "{}", rendered.subject);
        assert!(rendered.body.contains("http://x/reset-password#t"));
    }

    #[test]
    fn a_file_in_the_template_dir_replaces_the_built_in() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lockout.txt"), "Subject: Locked {{ name }}\n\nCustom body\n").unwrap();
        let templates = Templates::new(Some(dir.path().to_owned())).unwrap();
        let rendered = templates.render("lockout", minijinja::context! { name => "Ann" }).unwrap();
        assert_eq!(rendered.subject, "Locked Ann");
        assert_eq!(rendered.body, "Custom body\n");
    }

    #[test]
    fn a_broken_override_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lockout.txt"), "Subject: {{ broken\n").unwrap();
        assert!(Templates::new(Some(dir.path().to_owned())).is_err());
    }
}
