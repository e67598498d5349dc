//! Inline SVG charts for the HTML replay report: a line chart of shares, stacked vertical
//! bars and horizontal bars. Plain SVG 1.1 elements, no script, no external reference, so
//! the report renders the same offline in any browser. Every label goes through
//! [`crate::escape::html`].

use std::fmt::Write as _;

use crate::escape::html;

/// Drawing width and height of every chart (the page scales them down on narrow screens).
pub const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 320.0;
/// Margins: left (axis labels), right, top, bottom (x labels, legend).
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 72.0;

/// A plotted line: label, colour, dashed, points as (x share, y share) in 0..=1.
pub struct PlotLine<'a> {
    /// Legend text.
    pub label: &'a str,
    /// CSS colour.
    pub colour: &'a str,
    /// Drawn dashed (a reference rather than a measurement).
    pub dashed: bool,
    /// Points, left to right.
    pub points: Vec<(f64, f64)>,
}

/// A single marked point with a label (a reference figure, the policy's own decisions).
pub struct Mark<'a> {
    /// Label drawn beside it.
    pub label: String,
    /// CSS colour.
    pub colour: &'a str,
    /// Position as shares.
    pub at: (f64, f64),
}

/// One series of a stacked bar chart.
pub struct Stack<'a> {
    /// Legend text.
    pub label: String,
    /// CSS colour.
    pub colour: &'a str,
    /// Opacity (human changes are drawn lighter than AI-assisted ones of the same tier).
    pub opacity: f64,
}

fn open(out: &mut String, id: &str, title: &str, height: f64) {
    let _ = write!(
        out,
        "<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" \
         width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{title}\">\
         <title>{title}</title>",
        title = html(title)
    );
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, label: &str) {
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\">{}</text>",
        html(label)
    );
}

fn plot_x(share: f64) -> f64 {
    LEFT + share.clamp(0.0, 1.0) * (WIDTH - LEFT - RIGHT)
}

fn plot_y(share: f64) -> f64 {
    HEIGHT - BOTTOM - share.clamp(0.0, 1.0) * (HEIGHT - TOP - BOTTOM)
}

/// Gridlines and 0–100% labels on both axes.
fn share_axes(out: &mut String, x_title: &str, y_title: &str) {
    for tick in 0..=4 {
        let share = f64::from(tick) / 4.0;
        let (x, y) = (plot_x(share), plot_y(share));
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>",
            WIDTH - RIGHT
        );
        let percent = format!("{}%", tick * 25);
        text(out, LEFT - 6.0, y + 4.0, "end", &percent);
        text(out, x, HEIGHT - BOTTOM + 16.0, "middle", &percent);
    }
    text(out, plot_x(0.5), HEIGHT - BOTTOM + 34.0, "middle", x_title);
    let _ = write!(
        out,
        "<text transform=\"translate(14 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        plot_y(0.5),
        html(y_title)
    );
}

/// A line chart of shares against shares, with marked reference points.
#[must_use]
pub fn share_chart(
    id: &str,
    title: &str,
    axes: (&str, &str),
    lines: &[PlotLine<'_>],
    marks: &[Mark<'_>],
) -> String {
    let mut out = String::new();
    open(&mut out, id, title, HEIGHT);
    share_axes(&mut out, axes.0, axes.1);
    for line in lines {
        let points = line
            .points
            .iter()
            .fold(String::new(), |mut points, (x, y)| {
                let _ = write!(points, "{:.1},{:.1} ", plot_x(*x), plot_y(*y));
                points
            });
        let dash = if line.dashed {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<polyline class=\"line\" points=\"{}\" stroke=\"{}\"{dash}/>",
            points.trim_end(),
            html(line.colour)
        );
        for (x, y) in &line.points {
            let _ = write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\"/>",
                plot_x(*x),
                plot_y(*y),
                html(line.colour)
            );
        }
    }
    for mark in marks {
        let (x, y) = (plot_x(mark.at.0), plot_y(mark.at.1));
        let _ = write!(
            out,
            "<rect class=\"mark\" x=\"{:.1}\" y=\"{:.1}\" width=\"9\" height=\"9\" fill=\"{}\"/>",
            x - 4.5,
            y - 4.5,
            html(mark.colour)
        );
    }
    for (mark, (x, y, anchor)) in marks.iter().zip(place_labels(marks)) {
        text(&mut out, x, y, anchor, &mark.label);
    }
    let entries: Vec<(&str, &str, f64)> = lines
        .iter()
        .map(|line| (line.label, line.colour, 1.0))
        .collect();
    legend(&mut out, &entries);
    out.push_str("</svg>");
    out
}

/// A box on the drawing: left, top, right, bottom.
type Area = (f64, f64, f64, f64);

fn overlaps(a: Area, b: Area) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Where each mark's label goes: the first of right-above, right-below, left-above and
/// left-below of its mark that stays inside the plot and clear of every mark and of the
/// labels placed before it (reference points close together, e.g. DRS at 5% and the
/// policy's own point at 10%, would otherwise print over each other). Text width is
/// estimated at 7 px per character of the 12 px font; when nothing fits, right-above.
fn place_labels(marks: &[Mark<'_>]) -> Vec<(f64, f64, &'static str)> {
    const CHAR_WIDTH: f64 = 7.0;
    const ASCENT: f64 = 12.0;
    let squares: Vec<Area> = marks
        .iter()
        .map(|mark| {
            let (x, y) = (plot_x(mark.at.0), plot_y(mark.at.1));
            (x - 4.5, y - 4.5, x + 4.5, y + 4.5)
        })
        .collect();
    let mut placed: Vec<Area> = Vec::new();
    let mut out = Vec::with_capacity(marks.len());
    for mark in marks {
        let (x, y) = (plot_x(mark.at.0), plot_y(mark.at.1));
        let width = CHAR_WIDTH * mark.label.chars().count() as f64;
        // (text x, baseline y, whether the text ends at x rather than starts there)
        let candidates = [
            (x + 8.0, y - 6.0, false),
            (x + 8.0, y + 16.0, false),
            (x - 8.0, y - 6.0, true),
            (x - 8.0, y + 16.0, true),
        ];
        let area = |(tx, ty, ends): (f64, f64, bool)| -> Area {
            let left = if ends { tx - width } else { tx };
            (left, ty - ASCENT, left + width, ty + 3.0)
        };
        let fits = |candidate: (f64, f64, bool)| {
            let area = area(candidate);
            area.0 >= LEFT
                && area.2 <= WIDTH - RIGHT
                && area.1 >= TOP
                && area.3 <= HEIGHT - BOTTOM
                && !squares
                    .iter()
                    .chain(&placed)
                    .any(|other| overlaps(area, *other))
        };
        let chosen = candidates
            .into_iter()
            .find(|candidate| fits(*candidate))
            .unwrap_or(candidates[0]);
        placed.push(area(chosen));
        let (tx, ty, ends) = chosen;
        out.push((tx, ty, if ends { "end" } else { "start" }));
    }
    out
}

/// Where each legend entry goes: rows under the plot, wrapped at the chart's width.
fn legend_layout(entries: &[(&str, &str, f64)]) -> Vec<(f64, f64)> {
    let (mut x, mut y) = (LEFT, HEIGHT - 12.0);
    let mut places = Vec::with_capacity(entries.len());
    for (label, _, _) in entries {
        // About 7.2 units per character at the report's font size.
        let width = 28.0 + 7.2 * label.chars().count() as f64;
        if x + width > WIDTH - RIGHT && x > LEFT {
            x = LEFT;
            y += 16.0;
        }
        places.push((x, y));
        x += width;
    }
    places
}

/// The legend under the plot.
fn legend(out: &mut String, entries: &[(&str, &str, f64)]) {
    for ((label, colour, opacity), (x, y)) in entries.iter().zip(legend_layout(entries)) {
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\" fill-opacity=\"{opacity}\"/>",
            y - 10.0,
            html(colour)
        );
        text(out, x + 16.0, y, "start", label);
    }
}

/// Stacked vertical bars: `values[bar][stack]`, one label per bar, an optional dashed
/// reference line (value, label).
#[must_use]
pub fn stacked_bars(
    id: &str,
    title: &str,
    bars: &[(String, Vec<usize>)],
    stacks: &[Stack<'_>],
    reference: Option<(f64, String)>,
) -> String {
    let mut out = String::new();
    let entries: Vec<(&str, &str, f64)> = stacks
        .iter()
        .map(|stack| (stack.label.as_str(), stack.colour, stack.opacity))
        .collect();
    // Extra room under the plot when the legend wraps.
    let last_row = legend_layout(&entries)
        .last()
        .map_or(HEIGHT - 12.0, |at| at.1);
    let height = HEIGHT + (last_row - (HEIGHT - 12.0));
    open(&mut out, id, title, height);
    let highest = bars
        .iter()
        .map(|(_, values)| values.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let top = nice_ceiling(highest.max(reference.as_ref().map_or(0.0, |r| r.0)));
    for tick in 0..=4 {
        let value = top * f64::from(tick) / 4.0;
        let y = plot_y(value / top);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>",
            WIDTH - RIGHT
        );
        text(
            &mut out,
            LEFT - 6.0,
            y + 4.0,
            "end",
            &crate::score::number(value),
        );
    }
    let slot = (WIDTH - LEFT - RIGHT) / bars.len().max(1) as f64;
    let every = bars.len().div_ceil(12).max(1);
    for (index, (label, values)) in bars.iter().enumerate() {
        let x = LEFT + slot * index as f64 + slot * 0.15;
        let mut below = 0.0;
        for (value, stack) in values.iter().zip(stacks) {
            if *value == 0 {
                continue;
            }
            let (low, high) = (below / top, (below + *value as f64) / top);
            let _ = write!(
                out,
                "<rect class=\"bar\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" \
                 fill=\"{}\" fill-opacity=\"{}\"><title>{}: {}</title></rect>",
                plot_y(high),
                slot * 0.7,
                plot_y(low) - plot_y(high),
                html(stack.colour),
                stack.opacity,
                html(&format!("{label} {}", stack.label)),
                value
            );
            below += *value as f64;
        }
        if index % every == 0 {
            text(
                &mut out,
                x + slot * 0.35,
                HEIGHT - BOTTOM + 16.0,
                "middle",
                label,
            );
        }
    }
    if let Some((value, label)) = reference {
        let y = plot_y(value / top);
        let _ = write!(
            out,
            "<line class=\"reference\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>",
            WIDTH - RIGHT
        );
        text(&mut out, WIDTH - RIGHT - 4.0, y - 6.0, "end", &label);
    }
    legend(&mut out, &entries);
    out.push_str("</svg>");
    out
}

/// Horizontal bars, one per row (label, value, colour), from a zero line; negative values go
/// left of it. Values are printed at the bar's end.
#[must_use]
pub fn horizontal_bars(id: &str, title: &str, rows: &[(String, f64, &str)]) -> String {
    let row_height = 22.0;
    let height = TOP * 2.0 + row_height * rows.len().max(1) as f64;
    let mut out = String::new();
    open(&mut out, id, title, height);
    let label_width = 220.0;
    let span = rows
        .iter()
        .map(|(_, value, _)| value.abs())
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let negative = rows.iter().any(|(_, value, _)| *value < 0.0);
    let room = WIDTH - label_width - 70.0;
    let zero = if negative {
        label_width + room / 2.0
    } else {
        label_width
    };
    let scale = if negative { room / 2.0 } else { room } / span;
    for (index, (label, value, colour)) in rows.iter().enumerate() {
        let y = TOP + row_height * index as f64;
        text(&mut out, label_width - 8.0, y + 14.0, "end", label);
        let length = value.abs() * scale;
        let x = if *value < 0.0 { zero - length } else { zero };
        let _ = write!(
            out,
            "<rect class=\"bar\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{length:.1}\" height=\"{:.1}\" fill=\"{}\"/>",
            y + 3.0,
            row_height - 6.0,
            html(colour)
        );
        let end = if *value < 0.0 {
            x - 4.0
        } else {
            x + length + 4.0
        };
        let anchor = if *value < 0.0 { "end" } else { "start" };
        text(
            &mut out,
            end,
            y + 14.0,
            anchor,
            &crate::score::number(*value),
        );
    }
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{zero:.1}\" y1=\"{TOP}\" x2=\"{zero:.1}\" y2=\"{:.1}\"/>",
        height - TOP
    );
    out.push_str("</svg>");
    out
}

/// The axis top for counts up to `value`: four ticks of 1, 2 or 5 × 10^k each, so every
/// tick is a whole number.
fn nice_ceiling(value: f64) -> f64 {
    let step = (value / 4.0).max(1.0);
    let magnitude = 10f64.powf(step.log10().floor());
    4.0 * [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|nice| nice * magnitude)
        .find(|candidate| *candidate >= step - 1e-9)
        .unwrap_or(10.0 * magnitude)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Axis tops are four whole-number ticks at or above the highest bar.
    #[test]
    fn nice_ceiling_rounds_up() {
        for (value, top) in [
            (0.0, 4.0),
            (3.0, 4.0),
            (5.0, 8.0),
            (21.0, 40.0),
            (150.0, 200.0),
        ] {
            assert!((nice_ceiling(value) - top).abs() < 1e-9, "{value}");
        }
    }

    /// Reference points close together get labels that overlap neither each other nor any
    /// mark: Meta's DRS points at 5% and 10% and the policy's own point at 10% (the layout a
    /// real replay of Crush printed over itself).
    #[test]
    fn mark_labels_keep_clear_of_each_other() {
        let mark = |label: &str, at: (f64, f64)| Mark {
            label: label.to_string(),
            colour: "#000",
            at,
        };
        let marks = [
            mark("DRS 18.7%", (0.05, 0.187)),
            mark("DRS 27.9%", (0.10, 0.279)),
            mark("DRS 84.6%", (0.50, 0.846)),
            mark("policy", (0.10, 0.20)),
        ];
        let areas: Vec<Area> = marks
            .iter()
            .zip(place_labels(&marks))
            .map(|(mark, (x, y, anchor))| {
                let width = 7.0 * mark.label.chars().count() as f64;
                let left = if anchor == "end" { x - width } else { x };
                (left, y - 12.0, left + width, y + 3.0)
            })
            .collect();
        for (i, a) in areas.iter().enumerate() {
            for b in &areas[i + 1..] {
                assert!(!overlaps(*a, *b), "{areas:?}");
            }
            for mark in &marks {
                let (x, y) = (plot_x(mark.at.0), plot_y(mark.at.1));
                assert!(
                    !overlaps(*a, (x - 4.5, y - 4.5, x + 4.5, y + 4.5)),
                    "{areas:?}"
                );
            }
        }
        // The lone point keeps the usual place, right of and above its mark.
        let (x, y, anchor) = place_labels(&marks)[2];
        assert_eq!(
            (x, y, anchor),
            (plot_x(0.5) + 8.0, plot_y(0.846) - 6.0, "start")
        );
    }

    /// Labels are escaped, never markup; a chart is one well-formed `svg` element.
    #[test]
    fn labels_are_escaped() {
        let svg = horizontal_bars("t", "<b>", &[("<script>".to_string(), -2.0, "#000")]);
        assert!(svg.starts_with("<svg id=\"t\""), "{svg}");
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("<script>") && !svg.contains("<b>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"));
    }
}
