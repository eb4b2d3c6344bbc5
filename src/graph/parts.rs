//! The drawing one part at a time, for screens too narrow for the whole 900-unit canvas.
//!
//! Scaled to a phone's 360 px, the whole drawing shrinks its 13-unit titles to about 5 px; and at
//! a readable scale Part 2 (where the agent's answer, "uses …", is drawn) sits off to the right.
//! Each part's box below holds every shape, edge and label of that part (the tests prove it), so
//! a page can show one part at a time by only changing the `viewBox`: the drawing, its node ids
//! and its keyboard order stay the very same SVG.

use super::layout::{HEIGHT, WIDTH};

/// Which part of the drawing a view shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GraphView {
    /// The whole canvas.
    Whole,
    /// Part 1: the Client Cert Checker task (its spine and side ends).
    Task,
    /// Part 2: the agent's lookup, where it ends ("uses …"), and the uninstall guard below it.
    Agent,
}

impl GraphView {
    /// Every view, in the order a page offers them.
    pub const ALL: [GraphView; 3] = [GraphView::Whole, GraphView::Task, GraphView::Agent];

    /// A short name for a button.
    pub fn title(self) -> &'static str {
        match self {
            GraphView::Whole => "Both parts",
            GraphView::Task => "Part 1: the task",
            GraphView::Agent => "Part 2: the agent",
        }
    }

    /// A stable id for tests and CSS (`whole`, `task`, `agent`).
    pub fn as_str(self) -> &'static str {
        match self {
            GraphView::Whole => "whole",
            GraphView::Task => "task",
            GraphView::Agent => "agent",
        }
    }

    /// The `viewBox` that shows this part, in the drawing's units.
    pub fn view_box(self) -> ViewBox {
        match self {
            GraphView::Whole => ViewBox {
                x: 0,
                y: 0,
                w: WIDTH,
                h: HEIGHT,
            },
            GraphView::Task => ViewBox {
                x: 0,
                y: 28,
                w: 545,
                h: 716,
            },
            GraphView::Agent => ViewBox {
                x: 440,
                y: 28,
                w: 460,
                h: 716,
            },
        }
    }
}

/// An SVG `viewBox`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViewBox {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl ViewBox {
    /// The attribute's value: `x y w h`.
    pub fn attribute(self) -> String {
        format!("{} {} {} {}", self.x, self.y, self.w, self.h)
    }

    #[cfg(test)]
    fn holds(self, r: super::layout::Rect) -> bool {
        r.left() >= self.x
            && r.top() >= self.y
            && r.right() <= self.x + self.w
            && r.bottom() <= self.y + self.h
    }

    #[cfg(test)]
    fn holds_point(self, (x, y): (i32, i32)) -> bool {
        x >= self.x && y >= self.y && x <= self.x + self.w && y <= self.y + self.h
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::NodeId;
    use crate::graph::layout::{node_rect, route, terminal_rect};
    use crate::graph::topology::{EdgeId, Endpoint, Part, Terminal, node_part};
    use crate::scenario::Assumptions;

    fn view_of(part: Part) -> GraphView {
        match part {
            Part::Task => GraphView::Task,
            Part::Agent | Part::Guard => GraphView::Agent,
        }
    }

    fn part_of(end: Endpoint) -> Part {
        match end {
            Endpoint::Node(n) => node_part(n),
            Endpoint::Terminal(t) => t.part(),
        }
    }

    #[test]
    fn every_shape_is_inside_its_parts_view() {
        for node in NodeId::ALL {
            let view = view_of(node_part(node));
            assert!(
                view.view_box().holds(node_rect(node)),
                "{node:?} in {view:?}"
            );
            assert!(GraphView::Whole.view_box().holds(node_rect(node)));
        }
        for terminal in Terminal::ALL {
            let view = view_of(terminal.part());
            assert!(
                view.view_box().holds(terminal_rect(terminal)),
                "{terminal:?}"
            );
        }
        // The agent's answer is in Part 2's view.
        for t in [
            Terminal::UsesMetadata,
            Terminal::UsesFallback,
            Terminal::NoCertificate,
        ] {
            assert!(GraphView::Agent.view_box().holds(terminal_rect(t)), "{t:?}");
        }
    }

    #[test]
    fn every_edge_within_a_part_is_inside_its_view_with_its_label() {
        let assumptions = Assumptions::default();
        for edge in EdgeId::ALL {
            let (from, to) = (part_of(edge.from()), part_of(edge.to()));
            if view_of(from) != view_of(to) {
                continue;
            }
            let view = view_of(from).view_box();
            let r = route(edge);
            assert!(r.points.iter().all(|p| view.holds_point(*p)), "{edge:?}");
            let lines = r.label.lines(&edge.label(&assumptions));
            assert!(view.holds(r.label.bounds(&lines)), "{edge:?} label");
        }
    }

    #[test]
    fn views_are_narrower_than_the_whole_and_write_their_attribute() {
        assert_eq!(GraphView::Whole.view_box().attribute(), "0 0 900 780");
        for view in [GraphView::Task, GraphView::Agent] {
            assert!(view.view_box().w < WIDTH, "{view:?}");
        }
        assert_eq!(GraphView::ALL.len(), 3);
    }
}
