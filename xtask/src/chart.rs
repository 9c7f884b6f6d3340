//! The chart of `docs/performance.md`: time and peak memory against the number of profiles, amplify-rs (list
//! and resolve) next to botocore, the AWS CLI and the floor, drawn with `plotters` into an SVG from the
//! bench's own rows. Both axes are logarithmic: linear work is a straight line of slope one.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::bench::{PROFILE_COUNTS, Stats, list_case, resolve_case, thousands};

/// One line of a panel: its label, colour, and (profiles, value) points.
struct Line {
    label: &'static str,
    color: RGBColor,
    points: Vec<(f64, f64)>,
}

/// The points of `tool` (a prefix of its name) in the case `case_of(n)` for each profile count measured.
fn points(
    results: &[Stats],
    case_of: fn(usize) -> String,
    tool: &str,
    value: fn(&Stats) -> Option<f64>,
) -> Vec<(f64, f64)> {
    PROFILE_COUNTS
        .iter()
        .filter_map(|&n| {
            let case = case_of(n);
            let row = results
                .iter()
                .find(|r| r.case == case && r.tool.starts_with(tool))?;
            Some((n as f64, value(row)?))
        })
        .collect()
}

const OURS: RGBColor = RGBColor(0xd9, 0x5f, 0x02);
const OURS_LIST: RGBColor = RGBColor(0xe7, 0x29, 0x8a);
const BOTOCORE: RGBColor = RGBColor(0x1b, 0x9e, 0x77);
const AWS_CLI: RGBColor = RGBColor(0x75, 0x70, 0xb3);
const FLOOR: RGBColor = RGBColor(0x66, 0x66, 0x66);

fn lines(results: &[Stats], value: fn(&Stats) -> Option<f64>, floor: Line) -> Vec<Line> {
    let line = |label, color, case_of, tool| Line {
        label,
        color,
        points: points(results, case_of, tool, value),
    };
    vec![
        line("amplify-rs: resolve one", OURS, resolve_case, "amplify-rs"),
        line("amplify-rs: list all", OURS_LIST, list_case, "amplify-rs"),
        line(
            "AWS CLI: configure get (resolve one)",
            AWS_CLI,
            resolve_case,
            "aws CLI",
        ),
        line(
            "botocore: available_profiles (list)",
            BOTOCORE,
            list_case,
            "botocore",
        ),
        floor,
    ]
}

/// Draws `docs/performance.svg`; does nothing when the results hold no profile case.
pub fn draw(results: &[Stats], path: &Path) -> anyhow::Result<()> {
    let time = |s: &Stats| Some(s.median_ms);
    let memory = |s: &Stats| Some(s.max_rss_kb as f64 / 1024.0);
    let time_floor = Line {
        label: "floor: cat the files",
        color: FLOOR,
        points: points(results, resolve_case, "floor", time),
    };
    let size = |s: &Stats| s.input_bytes.map(|b| b as f64 / 1_048_576.0);
    let memory_floor = Line {
        label: "floor: the files' size",
        color: FLOOR,
        points: points(results, resolve_case, "amplify-rs", size),
    };
    let time_lines = lines(results, time, time_floor);
    let memory_lines = lines(results, memory, memory_floor);
    if time_lines.iter().all(|l| l.points.is_empty()) {
        return Ok(());
    }
    let root = SVGBackend::new(path, (1200, 520)).into_drawing_area();
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(600);
    panel(&left, "Time (median, ms)", &time_lines)?;
    panel(&right, "Peak memory (MiB)", &memory_lines)?;
    root.present()?;
    Ok(())
}

fn panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    title: &str,
    lines: &[Line],
) -> anyhow::Result<()> {
    let values = || lines.iter().flat_map(|l| l.points.iter().map(|p| p.1));
    let low = values().fold(f64::INFINITY, f64::min).max(0.01);
    let high = values().fold(0.0, f64::max).max(low * 10.0);
    let (first, last) = (
        PROFILE_COUNTS[0] as f64,
        PROFILE_COUNTS[PROFILE_COUNTS.len() - 1] as f64,
    );
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(
            (first * 0.8..last * 1.25).log_scale(),
            (low * 0.6..high * 8.0).log_scale(),
        )?;
    chart
        .configure_mesh()
        .x_desc("profiles in the files")
        .x_label_formatter(&|x| thousands(x.round() as usize))
        .y_label_formatter(&|y| {
            if *y >= 10.0 {
                format!("{y:.0}")
            } else {
                format!("{y:.1}")
            }
        })
        .draw()?;
    for line in lines.iter().filter(|l| !l.points.is_empty()) {
        let color = line.color;
        chart
            .draw_series(LineSeries::new(line.points.clone(), color.stroke_width(2)))?
            .label(line.label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart.draw_series(
            line.points
                .iter()
                .map(|p| Circle::new(*p, 3, color.filled())),
        )?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}
