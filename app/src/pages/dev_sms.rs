//! The local SMS double's inbox, for the demo (`make dev`): the texts the edge "sent" to a
//! number, with their codes. Only a Worker running with `SMS_ADAPTER=local` on this computer
//! answers it; anywhere else the page shows the edge's `not_found`.

use crate::api;
use crate::components::{FormMessage, FormStatus, TextField};
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use shared::wire::v1::SmsMessage;

#[component]
pub fn DevSmsPage() -> impl IntoView {
    let i18n = use_i18n();
    let phone = RwSignal::new(String::new());
    let status = RwSignal::new(FormStatus::Idle);
    let messages = RwSignal::new(None::<Vec<SmsMessage>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        status.set(FormStatus::Working);
        let number = phone.get_untracked();
        leptos::task::spawn_local(async move {
            match api::dev_sms(&number).await {
                Ok(inbox) => {
                    messages.set(Some(inbox.messages));
                    status.set(FormStatus::Idle);
                }
                Err(e) => status.set(FormStatus::Failed(e)),
            }
        });
    };
    view! {
        <section class="page auth">
            <h1>{move || i18n.t(Key::AuthDevSmsTitle)}</h1>
            <p class="muted">{move || i18n.t(Key::AuthDevSmsIntro)}</p>
            <form on:submit=submit novalidate>
                <TextField id="phone" label=Key::AuthPhoneLabel value=phone input_type="tel"
                    inputmode="tel" hint=Key::AuthPhoneHint/>
                <FormMessage status/>
                <button type="submit">{move || i18n.t(Key::AuthDevSmsShow)}</button>
            </form>
            {move || messages.get().map(|list| if list.is_empty() {
                view! { <p>{i18n.t(Key::AuthDevSmsEmpty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="sms-list" data-testid="sms-list">
                        {list.into_iter().map(|m| view! { <li class="card">{m.text}</li> }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
    }
}
