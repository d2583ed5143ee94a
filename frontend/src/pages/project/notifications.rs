//! The caller's alert emails for this project: per environment, which alert types and which
//! severities; an alert emails them when both its type and its severity are ticked for its
//! environment. "All" / "None" per environment, and the guide's advice in one click: "I am
//! responsible for" environments ticks their Error and Critical alerts (the domain's
//! `NotificationPreferences::responsible_for`).

use leptos::prelude::*;
use portico_domain::alerts::{AlertType, EnvironmentPreferences, NotificationPreferences, Severity};
use portico_domain::projects::Environment;

use super::ProjectContext;
use crate::api;
use crate::components::{
    Answer, Checkbox, ErrorAlert, FormState, GridBox, Notice, answer, check_grid, fetch, set_title, show,
};

/// A row of the grids: an alert type or a severity.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pick {
    Type(AlertType),
    Severity(Severity),
}

impl Pick {
    fn label(self) -> &'static str {
        match self {
            Pick::Type(kind) => kind.label(),
            Pick::Severity(severity) => severity.label(),
        }
    }

    fn chosen(self, prefs: &EnvironmentPreferences) -> bool {
        match self {
            Pick::Type(kind) => prefs.types.contains(&kind),
            Pick::Severity(severity) => prefs.severities.contains(&severity),
        }
    }

    fn set(self, prefs: &mut EnvironmentPreferences, on: bool) {
        match self {
            Pick::Type(kind) => {
                prefs.types.retain(|k| *k != kind);
                if on {
                    prefs.types.push(kind);
                    prefs.types.sort();
                }
            }
            Pick::Severity(severity) => {
                prefs.severities.retain(|s| *s != severity);
                if on {
                    prefs.severities.push(severity);
                    prefs.severities.sort();
                }
            }
        }
    }
}

#[component]
pub fn Notifications() -> impl IntoView {
    set_title("Notifications");
    let context = ProjectContext::get();
    let loaded = answer();
    fetch(loaded, api::projects::notification_preferences(context.guid));
    let form = FormState::new();
    let saved = RwSignal::new(None::<String>);
    view! {
        <section class="card" aria-labelledby="notifications-title">
            <h1 id="notifications-title">"Notifications"</h1>
            <p>
                "Which alerts of this project email you. An alert emails you when both its type and its severity
                 are ticked for its environment."
            </p>
            {show(loaded, "your notification settings", move |prefs| preferences_editor(prefs, loaded, form, saved))}
        </section>
    }
}

/// The grids for `initial`; a save puts the server's answer into `answer`, which redraws them from
/// what is now in force (one reader of the preferences in the wasm, not two).
fn preferences_editor(
    initial: NotificationPreferences,
    answer: Answer<NotificationPreferences>,
    form: FormState,
    saved: RwSignal<Option<String>>,
) -> AnyView {
    let context = ProjectContext::get();
    let environments = context.current().map(|p| p.environments).unwrap_or_else(|| Environment::ALL.to_vec());
    let prefs = RwSignal::new(initial);
    let set_environment = move |environment: Environment, value: EnvironmentPreferences| {
        saved.set(None);
        prefs.update(|p| {
            p.environments.insert(environment, value);
        });
    };
    let types = AlertType::ALL.into_iter().map(Pick::Type).collect();
    let severities = Severity::ALL.into_iter().map(Pick::Severity).collect();
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        saved.set(None);
        // The preferences as they are: their JSON is the API's `NotificationPreferencesInput`.
        let input = prefs.get_untracked();
        form.run(async move {
            let reply = api::projects::save_notification_preferences(context.guid, &input).await?;
            saved.set(Some("Your notification settings are saved.".to_owned()));
            answer.set(Ok(reply));
            Ok(())
        });
    };
    view! {
        {responsibility(&environments, prefs, saved)}
        <form class="stack" on:submit=save aria-labelledby="notifications-title">
            <fieldset>
                <legend>"Alert types"</legend>
                {grid("Alert types that email you, per environment", "Alert type", types, &environments, prefs, form)}
            </fieldset>
            <fieldset>
                <legend>"Severities"</legend>
                {grid("Severities that email you, per environment", "Severity", severities, &environments, prefs, form)}
            </fieldset>
            <fieldset>
                <legend>"Everything or nothing, per environment"</legend>
                <ul class="plain environment-presets">
                    {environments.iter().map(|environment| {
                        let environment = *environment;
                        view! {
                            <li>
                                <span class="environment-name">{environment.label()}</span>
                                <button type="button" class="secondary" on:click=move |_| set_environment(environment, EnvironmentPreferences::everything())>
                                    "All" <span class="sr-only">" for " {environment.label()}</span>
                                </button>
                                <button type="button" class="secondary" on:click=move |_| set_environment(environment, EnvironmentPreferences::nothing())>
                                    "None" <span class="sr-only">" for " {environment.label()}</span>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </fieldset>
            <ErrorAlert failure=form.failure() />
            <Notice message=saved />
            <div class="actions">
                <button type="submit" disabled=move || form.is_busy()>"Save notification settings"</button>
            </div>
        </form>
    }
    .into_any()
}

/// "I am responsible for: [environments]": ticks Error and Critical alerts of every type there and
/// leaves the rest as it is (saved with the grids).
fn responsibility(
    environments: &[Environment],
    prefs: RwSignal<NotificationPreferences>,
    saved: RwSignal<Option<String>>,
) -> AnyView {
    let chosen: Vec<(Environment, RwSignal<bool>)> =
        environments.iter().map(|environment| (*environment, RwSignal::new(false))).collect();
    let picked = chosen.clone();
    let apply = move |_| {
        let responsible: Vec<Environment> =
            picked.iter().filter(|(_, on)| on.get_untracked()).map(|(environment, _)| *environment).collect();
        saved.set(None);
        prefs.update(|p| p.responsible_for(&responsible));
    };
    view! {
        <fieldset class="stack" aria-describedby="responsibility-hint">
            <legend>"I am responsible for"</legend>
            <p class="hint" id="responsibility-hint">
                "Kentico's guide recommends receiving at least all Error and Critical alerts on the environment you
                 are responsible for. Tick yours: their Error and Critical alerts of every type are ticked below, and
                 nothing else changes. Then save."
            </p>
            <ul class="plain environment-presets">
                {chosen.into_iter().map(|(environment, on)| view! {
                    <li><Checkbox id=format!("responsible-{}", environment.as_str()) label=environment.label() checked=on /></li>
                }).collect_view()}
            </ul>
            <div class="actions">
                <button type="button" class="secondary" on:click=apply>"Tick their Error and Critical alerts"</button>
            </div>
        </fieldset>
    }
    .into_any()
}

/// One grid: a row per pick, a column per environment.
fn grid(
    caption: &str,
    corner: &'static str,
    picks: Vec<Pick>,
    environments: &[Environment],
    prefs: RwSignal<NotificationPreferences>,
    form: FormState,
) -> AnyView {
    let columns = environments.iter().map(|e| e.label().to_owned()).collect();
    let rows = picks
        .into_iter()
        .map(|pick| {
            let boxes = environments
                .iter()
                .map(|environment| {
                    let environment = *environment;
                    GridBox {
                        label: format!("{}: {}", environment.label(), pick.label()),
                        checked: Signal::derive(move || {
                            prefs.with(|p| p.environments.get(&environment).is_some_and(|chosen| pick.chosen(chosen)))
                        }),
                        on_change: Callback::new(move |on: bool| {
                            prefs.update(|p| {
                                pick.set(
                                    p.environments.entry(environment).or_insert_with(EnvironmentPreferences::nothing),
                                    on,
                                )
                            })
                        }),
                        disabled: form.busy(),
                        note: None,
                    }
                })
                .collect();
            (pick.label().to_owned(), boxes)
        })
        .collect();
    check_grid(caption.to_owned(), corner, columns, rows)
}
