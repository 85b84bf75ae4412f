//! Bar charts drawn on the server as inline SVG: no script, readable on a phone, printable,
//! and every bar carries its value as a tooltip and for screen readers.

/// One bar, already placed in the chart's coordinate space.
pub struct Bar {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    /// Shown on hover and read by screen readers: "2026-04-07: 3".
    pub title: String,
    pub value: u32,
}

/// An axis label under a bar.
pub struct Tick {
    pub x: f32,
    pub label: String,
}

pub struct BarChart {
    pub width: f32,
    pub height: f32,
    /// Where the plotting area ends and the labels begin.
    pub baseline: f32,
    pub bars: Vec<Bar>,
    pub ticks: Vec<Tick>,
    /// The largest value, written at the top of the value axis.
    pub max: u32,
}

const WIDTH: f32 = 720.0;
const PLOT_HEIGHT: f32 = 160.0;
const LABELS: f32 = 22.0;
const TOP: f32 = 14.0;
/// Labels under at most this many bars, evenly spread, so that they never overlap.
const MAX_TICKS: usize = 8;

impl BarChart {
    /// A chart of `(label, value)` pairs in order.
    pub fn new(points: &[(String, u32)]) -> BarChart {
        let max = points.iter().map(|(_, v)| *v).max().unwrap_or(0);
        let slot = WIDTH / points.len().max(1) as f32;
        let gap = (slot * 0.2).min(4.0);
        let baseline = TOP + PLOT_HEIGHT;
        let bars = points
            .iter()
            .enumerate()
            .map(|(i, (label, value))| {
                let height = if max == 0 {
                    0.0
                } else {
                    // A day with any value stays visible however small it is next to the maximum.
                    (PLOT_HEIGHT * *value as f32 / max as f32).max(if *value > 0 { 2.0 } else { 0.0 })
                };
                Bar {
                    x: i as f32 * slot + gap / 2.0,
                    y: baseline - height,
                    width: (slot - gap).max(1.0),
                    height,
                    title: format!("{label}: {value}"),
                    value: *value,
                }
            })
            .collect();
        let every = points.len().div_ceil(MAX_TICKS).max(1);
        let ticks = points
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0)
            .map(|(i, (label, _))| Tick {
                x: i as f32 * slot + slot / 2.0,
                label: label.clone(),
            })
            .collect();
        BarChart {
            width: WIDTH,
            height: baseline + LABELS,
            baseline,
            bars,
            ticks,
            max,
        }
    }
}

/// A part of a stacked bar: one category of one column.
pub struct Segment {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    /// The category's place, for its colour (`cat-0`, `cat-1`, …).
    pub series: usize,
    pub title: String,
}

/// Columns of stacked parts (a month's money by category), laid out right to left for a
/// right-to-left page so that time runs the way its reader reads.
pub struct StackedChart {
    pub width: f32,
    pub height: f32,
    pub baseline: f32,
    pub segments: Vec<Segment>,
    pub ticks: Vec<Tick>,
    /// The tallest column's total, as the page writes amounts, at the top of the value axis.
    pub max_label: String,
    /// Where the value label goes: the start edge of the page's direction.
    pub max_x: f32,
    pub max_anchor: &'static str,
}

impl StackedChart {
    /// `columns` in time order: a label and a value per series; `title(column, series, value)`
    /// is each part's tooltip, `label(value)` writes the axis' value.
    pub fn new(
        columns: &[(String, Vec<i64>)],
        title: impl Fn(&str, usize, i64) -> String,
        label: impl Fn(i64) -> String,
        rtl: bool,
    ) -> StackedChart {
        let totals: Vec<i64> = columns
            .iter()
            .map(|(_, v)| v.iter().filter(|x| **x > 0).sum())
            .collect();
        let max = totals.iter().copied().max().unwrap_or(0);
        let n = columns.len().max(1);
        let slot = WIDTH / n as f32;
        let gap = (slot * 0.3).min(24.0);
        let baseline = TOP + PLOT_HEIGHT;
        let place = |i: usize| {
            if rtl {
                (n - 1 - i) as f32 * slot
            } else {
                i as f32 * slot
            }
        };
        let mut segments = Vec::new();
        for (i, (name, values)) in columns.iter().enumerate() {
            let mut top = baseline;
            for (series, value) in values.iter().enumerate() {
                if *value <= 0 || max == 0 {
                    continue;
                }
                let height = (PLOT_HEIGHT * *value as f32 / max as f32).max(1.0);
                top -= height;
                segments.push(Segment {
                    x: place(i) + gap / 2.0,
                    y: top,
                    width: (slot - gap).max(1.0),
                    height,
                    series,
                    title: title(name, series, *value),
                });
            }
        }
        let every = n.div_ceil(MAX_TICKS).max(1);
        let ticks = columns
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0)
            .map(|(i, (name, _))| Tick {
                x: place(i) + slot / 2.0,
                label: name.clone(),
            })
            .collect();
        StackedChart {
            width: WIDTH,
            height: baseline + LABELS,
            baseline,
            segments,
            ticks,
            max_label: label(max),
            max_x: if rtl { WIDTH - 2.0 } else { 2.0 },
            max_anchor: if rtl { "end" } else { "start" },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(values: &[u32]) -> Vec<(String, u32)> {
        values.iter().enumerate().map(|(i, v)| (format!("d{i}"), *v)).collect()
    }

    #[test]
    fn the_tallest_bar_fills_the_plot_and_zero_draws_nothing() {
        let chart = BarChart::new(&points(&[0, 5, 10]));
        assert_eq!(chart.max, 10);
        assert_eq!(chart.bars[0].height, 0.0);
        assert_eq!(chart.bars[2].height, PLOT_HEIGHT);
        assert_eq!(chart.bars[1].height, PLOT_HEIGHT / 2.0);
        assert_eq!(chart.bars[2].y + chart.bars[2].height, chart.baseline);
        assert_eq!(chart.bars[1].title, "d1: 5");
    }

    #[test]
    fn bars_stay_inside_the_width_and_labels_are_thinned() {
        let chart = BarChart::new(&points(&[1; 31]));
        assert!(chart.bars.iter().all(|b| b.x >= 0.0 && b.x + b.width <= WIDTH + 0.01));
        assert!(chart.ticks.len() <= MAX_TICKS);
        assert_eq!(chart.ticks[0].label, "d0");
    }

    #[test]
    fn an_empty_chart_has_no_bars() {
        let chart = BarChart::new(&[]);
        assert!(chart.bars.is_empty() && chart.ticks.is_empty());
        assert_eq!(chart.max, 0);
    }

    #[test]
    fn stacked_parts_sum_to_the_tallest_column_and_mirror_for_rtl() {
        let columns = vec![
            ("Jan".to_owned(), vec![100, 0, 300]),
            ("Feb".to_owned(), vec![50, 50, 0]),
        ];
        let chart = StackedChart::new(&columns, |c, s, v| format!("{c}/{s}: {v}"), |v| v.to_string(), false);
        assert_eq!(chart.max_label, "400");
        assert_eq!(chart.segments.len(), 4, "a zero part draws nothing");
        let jan: f32 = chart
            .segments
            .iter()
            .filter(|s| s.x < WIDTH / 2.0)
            .map(|s| s.height)
            .sum();
        assert!((jan - PLOT_HEIGHT).abs() < 0.01, "the tallest column fills the plot");
        assert_eq!(chart.segments[1].title, "Jan/2: 300");
        assert_eq!(chart.segments[1].y, chart.baseline - PLOT_HEIGHT);
        let rtl = StackedChart::new(&columns, |c, s, v| format!("{c}/{s}: {v}"), |v| v.to_string(), true);
        assert!(
            rtl.segments[0].x > WIDTH / 2.0,
            "January is on the right for a right-to-left reader"
        );
        assert!(rtl.ticks[0].x > rtl.ticks[1].x);
        assert_eq!(rtl.max_anchor, "end");
    }
}
