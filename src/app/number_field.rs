//! A whole-number assumption (hours or days): a labelled number input that re-judges on every
//! valid keystroke and says plainly what is wrong with anything else.

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NumberFieldProps {
    /// The DOM id (also names the hint and error for assistive technology).
    pub id: AttrValue,
    pub label: AttrValue,
    /// `hours`, `days`.
    pub unit: AttrValue,
    pub hint: AttrValue,
    pub value: u32,
    pub max: u32,
    pub on_change: Callback<u32>,
}

/// Reads a whole number within `0..=max`, or says why not.
pub fn parse_whole(text: &str, max: u32) -> Result<u32, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Type a whole number".to_string());
    }
    match text.parse::<u32>() {
        Ok(n) if n <= max => Ok(n),
        Ok(_) => Err(format!("At most {max}")),
        Err(_) => Err(format!("\u{201c}{text}\u{201d} is not a whole number")),
    }
}

#[function_component(NumberField)]
pub fn number_field(props: &NumberFieldProps) -> Html {
    let error = use_state(|| None::<String>);
    let on_input = {
        let error = error.clone();
        let on_change = props.on_change.clone();
        let max = props.max;
        Callback::from(move |e: InputEvent| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            match parse_whole(&input.value(), max) {
                Ok(n) => {
                    error.set(None);
                    on_change.emit(n);
                }
                Err(message) => error.set(Some(message)),
            }
        })
    };
    let hint_id = format!("{}-hint", props.id);
    let error_id = format!("{}-error", props.id);
    let described = if error.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        hint_id.clone()
    };
    html! {
        <div class="field">
            <label for={props.id.clone()}>{ &props.label }</label>
            <div class="field-row">
                <input id={props.id.clone()} type="number" min="0" max={props.max.to_string()} step="1"
                    inputmode="numeric" value={props.value.to_string()} oninput={on_input}
                    aria-describedby={described} aria-invalid={error.is_some().to_string()} />
                <span class="muted small">{ &props.unit }</span>
            </div>
            <span class="hint" id={hint_id}>{ &props.hint }</span>
            if let Some(message) = &*error {
                <span class="field-error" id={error_id} role="alert">{ message }</span>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::parse_whole;

    #[wasm_bindgen_test]
    fn whole_numbers_are_checked_with_plain_messages() {
        assert_eq!(parse_whole(" 24 ", 100), Ok(24));
        assert_eq!(parse_whole("0", 100), Ok(0));
        assert_eq!(parse_whole("101", 100), Err("At most 100".to_string()));
        assert_eq!(
            parse_whole("-1", 100),
            Err("\u{201c}-1\u{201d} is not a whole number".to_string())
        );
        assert_eq!(
            parse_whole("2.5", 100).map_err(|e| e.contains("2.5")),
            Err(true)
        );
        assert_eq!(parse_whole("", 100), Err("Type a whole number".to_string()));
    }
}
