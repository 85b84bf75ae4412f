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
}
