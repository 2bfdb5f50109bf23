package org.tabserve.web.pages.plots;

import java.util.List;

/**
 * A picture as shapes already placed in SVG user units, which the one template fragment {@code plot :: svg} draws
 * as inline SVG (no script, so the pages meet the CSP): {@link Plots} places every picture of the card page.
 *
 * @param id      the SVG element's id, for links and tests
 * @param width   the picture's natural width; the stylesheet may scale it to the page
 * @param height  the picture's natural height
 * @param summary the picture in words, for screen readers
 * @param rects   bars and cells
 * @param lines   axes and reference lines
 * @param curves  polylines (a ROC curve, a calibration line)
 * @param dots    points (a scatter plot's rows, calibration bins)
 * @param texts   labels and ticks
 */
public record Plot(
        String id,
        int width,
        int height,
        String summary,
        List<Rect> rects,
        List<Line> lines,
        List<Curve> curves,
        List<Dot> dots,
        List<Text> texts) {

    public Plot {
        rects = List.copyOf(rects);
        lines = List.copyOf(lines);
        curves = List.copyOf(curves);
        dots = List.copyOf(dots);
        texts = List.copyOf(texts);
    }

    /** A rectangle with its CSS classes, an opacity (null: opaque) and a tooltip (null: none). */
    public record Rect(
            double x, double y, double width, double height, String cssClass, Double opacity, String title) {}

    /** A straight line with its CSS classes. */
    public record Line(double x1, double y1, double x2, double y2, String cssClass) {}

    /** A polyline: its points as SVG's {@code points} text ("x,y x,y ..."), and its CSS classes. */
    public record Curve(String points, String cssClass) {}

    /** A point: its centre, radius, CSS classes and tooltip. */
    public record Dot(double x, double y, double r, String cssClass, String title) {}

    /** Text placed at a point, with its CSS classes, anchor and an optional rotation (null: none). */
    public record Text(double x, double y, String text, String anchor, String transform, String cssClass) {}
}
