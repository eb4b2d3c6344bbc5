//! The web app: a Yew (client-side rendered) shell over the same core as the CLI.
//!
//! Nothing here decides anything about certificates: files go to [`crate::workspace::Workspace`],
//! the judgement comes from the engine, and the components only render it and dispatch edits.

use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    html! { <main><h1>{ "IME certificate inspector" }</h1></main> }
}

/// Mounts the app on the page's `<body>`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
