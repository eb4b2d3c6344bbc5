//! Hand-placed coordinates for the fixed graph. The topology never changes, so a layout engine
//! would only add weight and make the picture move between versions; fixed numbers keep the
//! drawing stable and let the tests prove that nothing overlaps.
//!
//! Three columns on a 900-unit-wide canvas: Part 1 as a vertical spine (x ≈ 140), the task's side
//! ends (`skip`, `delete_metadata`) beside it (x ≈ 440), Part 2 as its own column (x ≈ 720) with
//! the uninstall guard below it as a side note. Edges are orthogonal polylines; side exits of
//! Part 2 run down a rail at x = 570, between the columns, where their labels have room.

use crate::engine::NodeId;

use super::topology::{EdgeId, Terminal};
#[cfg(test)]
use crate::untrusted_text::width_px;
use crate::untrusted_text::{units_for, wrap};

/// The `viewBox`: 900 wide fits a laptop; the app scales it down on phones.
pub const WIDTH: i32 = 900;
pub const HEIGHT: i32 = 780;

/// Font sizes in user units (the CSS uses the same numbers).
pub const TITLE_FONT: f64 = 13.0;
pub const RESULT_FONT: f64 = 12.0;
pub const LABEL_FONT: f64 = 11.0;
/// Distance between two lines of an edge label.
pub const LABEL_LINE: i32 = 13;
/// Inner padding left and right of the text in a shape.
pub const PADDING: i32 = 8;

/// A rectangle by its centre and size (all shapes are drawn inside one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub cx: i32,
    pub cy: i32,
    pub w: i32,
    pub h: i32,
}

impl Rect {
    const fn new(cx: i32, cy: i32, w: i32, h: i32) -> Self {
        Rect { cx, cy, w, h }
    }
    pub fn left(self) -> i32 {
        self.cx - self.w / 2
    }
    pub fn right(self) -> i32 {
        self.cx + self.w / 2
    }
    pub fn top(self) -> i32 {
        self.cy - self.h / 2
    }
    pub fn bottom(self) -> i32 {
        self.cy + self.h / 2
    }

    /// Whether two rectangles share any interior area (the layout tests' collision check).
    #[cfg(test)]
    pub fn overlaps(self, other: Rect) -> bool {
        self.left() < other.right()
            && other.left() < self.right()
            && self.top() < other.bottom()
            && other.top() < self.bottom()
    }

    /// How many narrow characters fit on one line at `font_px`.
    pub fn text_units(self, font_px: f64) -> usize {
        units_for(f64::from(self.w - 2 * PADDING), font_px)
    }
}

const SPINE_X: i32 = 140;
const SIDE_X: i32 = 440;
const AGENT_X: i32 = 720;
const RAIL_X: i32 = 570;

const SPINE: (i32, i32) = (220, 56);
const SIDE_END: (i32, i32) = (180, 48);
const AGENT: (i32, i32) = (210, 56);
const AGENT_END: (i32, i32) = (190, 48);
const PILL_H: i32 = 32;

pub fn node_rect(node: NodeId) -> Rect {
    let spine = |cy| Rect::new(SPINE_X, cy, SPINE.0, SPINE.1);
    let agent = |cy| Rect::new(AGENT_X, cy, AGENT.0, AGENT.1);
    match node {
        NodeId::Freshness => spine(150),
        NodeId::Search => spine(240),
        NodeId::Filter => spine(330),
        NodeId::Count => spine(420),
        NodeId::Flight => spine(510),
        NodeId::Gateway => spine(600),
        NodeId::StoreMetadata => spine(690),
        NodeId::Skip => Rect::new(SIDE_X, 64, SIDE_END.0, SIDE_END.1),
        NodeId::DeleteMetadata => Rect::new(SIDE_X, 510, SIDE_END.0, SIDE_END.1),
        NodeId::MetadataLookup => agent(150),
        NodeId::FallbackSearch => agent(380),
        NodeId::UninstallGuard => agent(690),
    }
}

pub fn terminal_rect(terminal: Terminal) -> Rect {
    let end = |cy| Rect::new(AGENT_X, cy, AGENT_END.0, AGENT_END.1);
    match terminal {
        Terminal::TaskStart => Rect::new(SPINE_X, 64, SPINE.0, PILL_H),
        Terminal::AgentStart => Rect::new(AGENT_X, 64, 200, PILL_H),
        Terminal::UsesMetadata => end(250),
        Terminal::UsesFallback => end(480),
        Terminal::NoCertificate => end(580),
    }
}

/// Which way a label's text runs from its anchor point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Where an edge label goes: `(x, y)` is the anchor of the block's vertical centre; lines wrap to
/// `max_px`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LabelSpot {
    pub x: i32,
    pub y: i32,
    pub anchor: Anchor,
    pub max_px: i32,
}

impl LabelSpot {
    /// The label's lines, wrapped to fit.
    pub fn lines(self, label: &str) -> Vec<String> {
        wrap(label, units_for(f64::from(self.max_px), LABEL_FONT))
    }

    /// The baseline of line `index` of `count`, so the block is centred on `y`.
    pub fn baseline(self, index: usize, count: usize) -> i32 {
        let index = i32::try_from(index).unwrap_or(0);
        let count = i32::try_from(count).unwrap_or(1);
        self.y - (count - 1) * LABEL_LINE / 2 + index * LABEL_LINE + 4
    }

    /// The estimated box the wrapped label covers (the layout tests' collision check).
    #[cfg(test)]
    pub fn bounds(self, lines: &[String]) -> Rect {
        let widest = lines
            .iter()
            .map(|l| width_px(l, LABEL_FONT))
            .fold(0.0, f64::max)
            .ceil();
        // Label widths are a few hundred units at most; the cast cannot truncate meaningfully.
        let w = widest as i32;
        let count = i32::try_from(lines.len()).unwrap_or(1);
        let h = count * LABEL_LINE;
        let cx = match self.anchor {
            Anchor::Start => self.x + w / 2,
            Anchor::Middle => self.x,
            Anchor::End => self.x - w / 2,
        };
        Rect::new(cx, self.y, w, h)
    }
}

/// An edge's polyline (first point on the source's border, last on the target's) and its label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub points: Vec<(i32, i32)>,
    pub label: LabelSpot,
}

fn right_of(x: i32, y: i32) -> LabelSpot {
    LabelSpot {
        x: x + 6,
        y,
        anchor: Anchor::Start,
        max_px: 170,
    }
}

fn above(x: i32, line_y: i32, max_px: i32) -> LabelSpot {
    LabelSpot {
        x,
        y: line_y - 9,
        anchor: Anchor::Middle,
        max_px,
    }
}

fn left_of_rail(y: i32) -> LabelSpot {
    LabelSpot {
        x: RAIL_X - 6,
        y,
        anchor: Anchor::End,
        max_px: 112,
    }
}

/// A straight drop from the bottom of one shape to the top of the one below, label on the right.
fn drop(from: Rect, to: Rect) -> Route {
    let mid = (from.bottom() + to.top()) / 2;
    Route {
        points: vec![(from.cx, from.bottom()), (to.cx, to.top())],
        label: right_of(from.cx, mid),
    }
}

pub fn route(edge: EdgeId) -> Route {
    use NodeId::*;
    let n = node_rect;
    let t = terminal_rect;
    match edge {
        EdgeId::TaskEntry => drop(t(Terminal::TaskStart), n(Freshness)),
        EdgeId::StaleToSearch => drop(n(Freshness), n(Search)),
        EdgeId::SearchToFilter => drop(n(Search), n(Filter)),
        EdgeId::FilterToCount => drop(n(Filter), n(Count)),
        EdgeId::SeveralToFlight => drop(n(Count), n(Flight)),
        EdgeId::FlightedToGateway => drop(n(Flight), n(Gateway)),
        EdgeId::AcceptedToStore => drop(n(Gateway), n(StoreMetadata)),
        EdgeId::AgentEntry => {
            // Narrower than the room allows, so the condition breaks after "or".
            let mut entry = drop(t(Terminal::AgentStart), n(MetadataLookup));
            entry.label.max_px = 125;
            entry
        }
        EdgeId::LookupToUses => drop(n(MetadataLookup), t(Terminal::UsesMetadata)),
        EdgeId::FallbackToUses => drop(n(FallbackSearch), t(Terminal::UsesFallback)),
        EdgeId::FreshToSkip => side_turn(n(Freshness), n(Skip)),
        EdgeId::SingleToDelete => side_turn(n(Count), n(DeleteMetadata)),
        EdgeId::NoneAcceptedToDelete => side_turn(n(Gateway), n(DeleteMetadata)),
        EdgeId::NotFlightedToDelete => {
            let (from, to) = (n(Flight), n(DeleteMetadata));
            Route {
                points: vec![(from.right(), from.cy), (to.left(), to.cy)],
                label: above((from.right() + to.left()) / 2, from.cy, 100),
            }
        }
        EdgeId::LookupToFallback => {
            let (from, to) = (n(MetadataLookup), n(FallbackSearch));
            let under = t(Terminal::UsesMetadata).bottom() + 36;
            Route {
                points: vec![
                    (from.left(), from.cy),
                    (RAIL_X, from.cy),
                    (RAIL_X, under),
                    (to.cx, under),
                    (to.cx, to.top()),
                ],
                label: left_of_rail((from.cy + under) / 2),
            }
        }
        EdgeId::FallbackToNone => {
            let (from, to) = (n(FallbackSearch), t(Terminal::NoCertificate));
            Route {
                points: vec![
                    (from.left(), from.cy),
                    (RAIL_X, from.cy),
                    (RAIL_X, to.cy),
                    (to.left(), to.cy),
                ],
                label: left_of_rail(from.cy + 80),
            }
        }
    }
}

/// Out of the right side of a spine node, across, then up or down into a side end.
fn side_turn(from: Rect, to: Rect) -> Route {
    let entry_y = if to.cy < from.cy {
        to.bottom()
    } else {
        to.top()
    };
    Route {
        points: vec![(from.right(), from.cy), (to.cx, from.cy), (to.cx, entry_y)],
        label: above((from.right() + to.cx) / 2, from.cy, 160),
    }
}

/// Headings and captions: `(text, x, y)`, anchored at the start.
pub const HEADINGS: [(&str, i32, i32); 2] = [
    ("Part 1 · Client Cert Checker task", 40, 24),
    ("Part 2 · what the agent then uses", 615, 24),
];
pub const GUARD_CAPTION: (&str, i32, i32) = ("Information only", 615, 654);
/// The legend's baseline.
pub const LEGEND_Y: i32 = 760;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::NodeId;
    use crate::graph::topology::Endpoint;
    use crate::scenario::Assumptions;

    fn all_shapes() -> Vec<(&'static str, Rect)> {
        let mut shapes: Vec<(&str, Rect)> = NodeId::ALL
            .iter()
            .map(|n| (n.as_str(), node_rect(*n)))
            .collect();
        shapes.extend(
            Terminal::ALL
                .iter()
                .map(|t| (t.as_str(), terminal_rect(*t))),
        );
        shapes
    }

    fn rect_of(end: Endpoint) -> Rect {
        match end {
            Endpoint::Node(n) => node_rect(n),
            Endpoint::Terminal(t) => terminal_rect(t),
        }
    }

    fn on_border(p: (i32, i32), r: Rect) -> bool {
        let (x, y) = p;
        let on_x = (x == r.left() || x == r.right()) && (r.top()..=r.bottom()).contains(&y);
        let on_y = (y == r.top() || y == r.bottom()) && (r.left()..=r.right()).contains(&x);
        on_x || on_y
    }

    /// A segment as a thin rectangle (orthogonal segments only).
    fn segment_box(a: (i32, i32), b: (i32, i32)) -> Rect {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        Rect::new(
            (x0 + x1) / 2,
            (y0 + y1) / 2,
            (x1 - x0).max(2),
            (y1 - y0).max(2),
        )
    }

    #[test]
    fn shapes_sit_inside_the_canvas_and_never_overlap() {
        let shapes = all_shapes();
        for (i, (a, ra)) in shapes.iter().enumerate() {
            assert!(ra.left() >= 0 && ra.right() <= WIDTH, "{a}");
            assert!(ra.top() >= 0 && ra.bottom() < LEGEND_Y - 12, "{a}");
            for (b, rb) in shapes.iter().skip(i + 1) {
                assert!(!ra.overlaps(*rb), "{a} overlaps {b}");
            }
        }
    }

    #[test]
    fn routes_are_orthogonal_and_join_their_shapes() {
        for edge in EdgeId::ALL {
            let route = route(edge);
            assert!(route.points.len() >= 2, "{}", edge.as_str());
            for pair in route.points.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                assert!(
                    a.0 == b.0 || a.1 == b.1,
                    "{} bends diagonally",
                    edge.as_str()
                );
                assert_ne!(a, b, "{} has an empty segment", edge.as_str());
            }
            let first = route.points[0];
            let last = route.points[route.points.len() - 1];
            assert!(on_border(first, rect_of(edge.from())), "{}", edge.as_str());
            assert!(on_border(last, rect_of(edge.to())), "{}", edge.as_str());
        }
    }

    #[test]
    fn routes_pass_no_shape_but_their_own() {
        for edge in EdgeId::ALL {
            let route = route(edge);
            for (name, rect) in all_shapes() {
                if name == edge.from().as_str() || name == edge.to().as_str() {
                    continue;
                }
                for pair in route.points.windows(2) {
                    assert!(
                        !segment_box(pair[0], pair[1]).overlaps(rect),
                        "{} crosses {name}",
                        edge.as_str()
                    );
                }
            }
        }
    }

    #[test]
    fn labels_overlap_no_shape_no_other_label_and_no_foreign_line() {
        let assumptions = Assumptions {
            metadata_max_age_hours: 1000,
            device_cert_cache_max_age_hours: 1000,
            ..Assumptions::default()
        };
        let labels: Vec<(EdgeId, Rect)> = EdgeId::ALL
            .iter()
            .map(|e| {
                let spot = route(*e).label;
                (*e, spot.bounds(&spot.lines(&e.label(&assumptions))))
            })
            .collect();
        for (i, (edge, bounds)) in labels.iter().enumerate() {
            let name = edge.as_str();
            assert!(bounds.left() >= 0 && bounds.right() <= WIDTH, "{name}");
            for (shape, rect) in all_shapes() {
                assert!(!bounds.overlaps(rect), "label of {name} covers {shape}");
            }
            for (other, other_bounds) in labels.iter().skip(i + 1) {
                assert!(
                    !bounds.overlaps(*other_bounds),
                    "labels of {name} and {} overlap",
                    other.as_str()
                );
            }
            for other in EdgeId::ALL.iter().filter(|o| *o != edge) {
                for pair in route(*other).points.windows(2) {
                    assert!(
                        !bounds.overlaps(segment_box(pair[0], pair[1])),
                        "label of {name} covers the line of {}",
                        other.as_str()
                    );
                }
            }
        }
    }

    #[test]
    fn long_labels_wrap_to_two_lines() {
        let spot = route(EdgeId::LookupToFallback).label;
        let lines = spot.lines("not flighted, or no valid cert");
        assert_eq!(lines, ["not flighted, or", "no valid cert"]);
        assert_eq!(spot.baseline(0, 2) + LABEL_LINE, spot.baseline(1, 2));
    }

    #[test]
    fn the_cache_condition_breaks_after_or() {
        let spot = route(EdgeId::AgentEntry).label;
        let text = EdgeId::AgentEntry.label(&Assumptions::default());
        assert_eq!(spot.lines(&text), ["no cached cert, or", "cached > 24 h"]);
    }

    #[test]
    fn node_titles_fit_their_shapes() {
        for node in NodeId::ALL {
            let rect = node_rect(node);
            assert!(
                crate::untrusted_text::width_units(node.title()) <= rect.text_units(TITLE_FONT),
                "{node}"
            );
        }
    }
}
