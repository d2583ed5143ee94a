//! Administration: the password policy every new password must meet. A preset (Xperience's
//! composition rules, or NIST's length-over-composition) or custom rules, plus forbidden passwords.

use leptos::prelude::*;
use portico_domain::identity::{PasswordPolicy, PolicyPreset};

use crate::api::{self, ApiFailure};
use crate::components::{Checkbox, ErrorAlert, FormState, Loaded, Notice, TextField, load, loaded, set_title};

#[component]
pub fn AdminPasswordPolicy() -> impl IntoView {
    set_title("Password policy");
    view! {
        <PolicyEditor />
    }
}

#[component]
fn PolicyEditor() -> impl IntoView {
    let policy: Loaded<PasswordPolicy> = loaded();
    load(policy, api::admin::password_policy());
    view! {
        <section class="card">
            <h1>"Password policy"</h1>
            <p>"Every new password must meet it; the 10,000 most common passwords are always refused."</p>
            {move || match policy.get() {
                None => view! { <p aria-busy="true">"Loading the policy…"</p> }.into_any(),
                Some(Ok(policy)) => view! { <PolicyForm policy /> }.into_any(),
                Some(Err(failure)) => view! { <p class="alert alert-error" role="alert">{failure.detail()}</p> }.into_any(),
            }}
        </section>
    }
}

/// The form's fields, as typed (numbers stay text until sent, so typing is never fought).
#[derive(Clone, Copy)]
struct PolicyFields {
    preset: RwSignal<String>,
    min_length: RwSignal<String>,
    require_uppercase: RwSignal<bool>,
    require_lowercase: RwSignal<bool>,
    require_digit: RwSignal<bool>,
    require_non_alphanumeric: RwSignal<bool>,
    min_unique_chars: RwSignal<String>,
    forbidden_passwords: RwSignal<String>,
}

impl PolicyFields {
    fn new(policy: &PasswordPolicy) -> Self {
        let fields = Self {
            preset: RwSignal::new(String::new()),
            min_length: RwSignal::new(String::new()),
            require_uppercase: RwSignal::new(false),
            require_lowercase: RwSignal::new(false),
            require_digit: RwSignal::new(false),
            require_non_alphanumeric: RwSignal::new(false),
            min_unique_chars: RwSignal::new(String::new()),
            forbidden_passwords: RwSignal::new(String::new()),
        };
        fields.show(policy);
        fields
    }

    fn show(&self, policy: &PasswordPolicy) {
        self.preset.set(preset_value(policy.preset).to_owned());
        self.min_length.set(policy.min_length.to_string());
        self.require_uppercase.set(policy.require_uppercase);
        self.require_lowercase.set(policy.require_lowercase);
        self.require_digit.set(policy.require_digit);
        self.require_non_alphanumeric.set(policy.require_non_alphanumeric);
        self.min_unique_chars.set(policy.min_unique_chars.to_string());
        self.forbidden_passwords.set(policy.forbidden_passwords.join("\n"));
    }

    fn preset(&self) -> PolicyPreset {
        match self.preset.get().as_str() {
            "nist" => PolicyPreset::Nist,
            "custom" => PolicyPreset::Custom,
            _ => PolicyPreset::Xperience,
        }
    }

    /// The policy to send, or what is wrong with the input (the domain's own checks included).
    fn policy(&self) -> Result<PasswordPolicy, String> {
        let forbidden_passwords = self
            .forbidden_passwords
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        let preset = self.preset();
        let policy = match PasswordPolicy::from_preset(preset) {
            // A preset's own rules apply; only the forbidden passwords are the Administrator's.
            Some(preset_policy) => PasswordPolicy { forbidden_passwords, ..preset_policy },
            None => PasswordPolicy {
                preset,
                min_length: parse_count("Minimum length", &self.min_length.get_untracked())?,
                require_uppercase: self.require_uppercase.get_untracked(),
                require_lowercase: self.require_lowercase.get_untracked(),
                require_digit: self.require_digit.get_untracked(),
                require_non_alphanumeric: self.require_non_alphanumeric.get_untracked(),
                min_unique_chars: parse_count("Minimum different characters", &self.min_unique_chars.get_untracked())?,
                forbidden_passwords,
            },
        };
        let problems = policy.validate();
        if problems.is_empty() {
            Ok(policy)
        } else {
            Err(problems
                .into_iter()
                .map(|(field, message)| format!("{}: {message}.", field_label(field)))
                .collect::<Vec<_>>()
                .join(" "))
        }
    }
}

fn parse_count(label: &str, text: &str) -> Result<u32, String> {
    text.trim().parse().map_err(|_| format!("{label}: enter a whole number."))
}

fn field_label(field: &str) -> &str {
    match field {
        "min_length" => "Minimum length",
        "min_unique_chars" => "Minimum different characters",
        "forbidden_passwords" => "Forbidden passwords",
        other => other,
    }
}

fn preset_value(preset: PolicyPreset) -> &'static str {
    match preset {
        PolicyPreset::Xperience => "xperience",
        PolicyPreset::Nist => "nist",
        PolicyPreset::Custom => "custom",
    }
}

/// The rules a preset stands for, in words.
fn preset_summary(preset: PolicyPreset) -> &'static str {
    match preset {
        PolicyPreset::Xperience => {
            "At least 8 characters with an upper-case letter, a lower-case letter, a digit and a character that is not a letter or digit."
        }
        PolicyPreset::Nist => "At least 15 characters; no rules about kinds of characters (NIST SP 800-63B).",
        PolicyPreset::Custom => "",
    }
}

#[component]
fn PolicyForm(policy: PasswordPolicy) -> impl IntoView {
    let fields = PolicyFields::new(&policy);
    let form = FormState::new();
    let saved = RwSignal::new(None::<String>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        saved.set(None);
        let policy = match fields.policy() {
            Ok(policy) => policy,
            Err(problem) => return form.refuse(problem),
        };
        form.run(async move {
            let stored = api::admin::save_password_policy(&policy).await?;
            fields.show(&stored);
            saved.set(Some("The password policy is saved and applies to every new password.".to_owned()));
            Ok::<(), ApiFailure>(())
        });
    };
    let custom = move || fields.preset() == PolicyPreset::Custom;
    view! {
        <form class="stack narrow-form" on:submit=submit>
            <div class="field">
                <label for="preset">"Rules"</label>
                <select id="preset" name="preset" bind:value=fields.preset>
                    // `selected` too: the select gets its value before its options exist.
                    <option value="xperience" selected=fields.preset.get_untracked() == "xperience">"Xperience default"</option>
                    <option value="nist" selected=fields.preset.get_untracked() == "nist">"NIST (length over composition)"</option>
                    <option value="custom" selected=fields.preset.get_untracked() == "custom">"Custom"</option>
                </select>
            </div>
            {move || ((!custom()).then(|| view! { <p class="hint">{preset_summary(fields.preset())}</p> })).into_any()}
            <Show when=custom>
                <fieldset class="stack">
                    <legend>"Custom rules"</legend>
                    <TextField id="min-length" label="Minimum length" value=fields.min_length inputmode="numeric" required=true />
                    <Checkbox id="require-uppercase" label="An upper-case letter" checked=fields.require_uppercase />
                    <Checkbox id="require-lowercase" label="A lower-case letter" checked=fields.require_lowercase />
                    <Checkbox id="require-digit" label="A digit" checked=fields.require_digit />
                    <Checkbox
                        id="require-non-alphanumeric"
                        label="A character that is not a letter or digit"
                        checked=fields.require_non_alphanumeric
                    />
                    <TextField
                        id="min-unique-chars"
                        label="Minimum different characters"
                        hint="0 for no minimum."
                        value=fields.min_unique_chars
                        inputmode="numeric"
                        required=true
                    />
                </fieldset>
            </Show>
            <div class="field">
                <label for="forbidden-passwords">"Forbidden passwords"</label>
                <p class="hint" id="forbidden-passwords-hint">
                    "One per line, compared ignoring case; for example your company's or product's name."
                </p>
                <textarea
                    id="forbidden-passwords"
                    name="forbidden-passwords"
                    rows="6"
                    aria-describedby="forbidden-passwords-hint"
                    bind:value=fields.forbidden_passwords
                ></textarea>
            </div>
            <ErrorAlert failure=form.failure() />
            <Notice message=saved />
            <div class="actions">
                <button type="submit" disabled=move || form.is_busy()>"Save policy"</button>
            </div>
        </form>
    }
}
