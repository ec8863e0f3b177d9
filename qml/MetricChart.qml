import QtQuick
import QtCharts
import ProxFlow.Ui

// A line chart of the last five minutes, fed from C++ (TrafficStats.attach): one line per entry
// of `lines` ({kind, name, color}); x is seconds before now.
ChartView {
    id: chart
    required property TrafficStats traffic
    required property var lines
    property real yMax: 10
    property string yTitle
    property bool dark: false

    antialiasing: true
    legend.alignment: Qt.AlignTop
    legend.font.pixelSize: 11
    backgroundRoundness: 4
    margins { left: 4; right: 8; top: 4; bottom: 4 }
    theme: dark ? ChartView.ChartThemeDark : ChartView.ChartThemeLight
    backgroundColor: palette.base
    titleFont.pixelSize: 13
    titleFont.bold: true

    ValueAxis {
        id: axisX
        min: -traffic.seriesSeconds
        max: 0
        tickCount: 6
        labelFormat: "%ds"
        labelsFont.pixelSize: 10
    }
    ValueAxis {
        id: axisY
        min: 0
        max: chart.yMax
        tickCount: 6
        labelFormat: chart.yMax < 10 ? "%.1f" : "%.0f"
        labelsFont.pixelSize: 10
        titleText: chart.yTitle
        titleFont.pixelSize: 10
    }

    property var created: []
    // A theme change repaints every series in the theme's colours; ours are part of the meaning.
    function paint() {
        for (let i = 0; i < created.length; ++i) {
            created[i].color = lines[i].color
            created[i].width = 2
        }
    }
    onDarkChanged: Qt.callLater(paint)
    Component.onCompleted: {
        const made = []
        for (const line of lines) {
            const s = chart.createSeries(ChartView.SeriesTypeLine, line.name, axisX, axisY)
            made.push(s)
            traffic.attach(line.kind, s)
        }
        created = made
        paint()
    }
}
