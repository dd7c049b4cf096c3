// Fan charts with Chart.js: per indicator the P5-P95 and P25-P75 bands, the median, the target and
// the 2021 observation. drawFans(data, labels, prefix) draws into the canvases prefix + id (no
// animation, so print and screenshots see the final chart) and returns how many it drew.
function drawFans(data, labels, prefix) {
  Chart.defaults.animation = false;
  var drawn = 0;
  data.forEach(function (f) {
    var canvas = document.getElementById(prefix + f.id);
    if (!canvas) { return; }
    var old = Chart.getChart(canvas);
    if (old) { old.destroy(); }
    var sets = [
      { label: labels.outer, data: f.p95, borderWidth: 0, pointRadius: 0, backgroundColor: 'rgba(31,119,180,0.15)', fill: '+1' },
      { label: '', data: f.p5, borderWidth: 0, pointRadius: 0, fill: false },
      { label: labels.inner, data: f.p75, borderWidth: 0, pointRadius: 0, backgroundColor: 'rgba(31,119,180,0.35)', fill: '+1' },
      { label: '', data: f.p25, borderWidth: 0, pointRadius: 0, fill: false },
      { label: labels.median, data: f.p50, borderColor: '#1f77b4', borderWidth: 2, pointRadius: 2, fill: false }
    ];
    if (f.target) {
      sets.push({ label: labels.target, data: f.years.map(function (y) { return y === f.target.year ? f.target.value : null; }),
        borderColor: '#d43d2a', backgroundColor: '#d43d2a', pointStyle: 'line', pointRadius: 12, pointBorderWidth: 3, showLine: false });
    }
    if (f.observed) {
      sets.push({ label: labels.observed, data: f.years.map(function (y) { return y === f.observed.year ? f.observed.value : null; }),
        borderColor: '#000', backgroundColor: '#000', pointStyle: 'crossRot', pointRadius: 7, pointBorderWidth: 2, showLine: false });
    }
    new Chart(canvas, {
      type: 'line',
      data: { labels: f.years, datasets: sets },
      options: { responsive: true, plugins: { legend: { labels: { filter: function (i) { return i.text !== ''; } } } } }
    });
    drawn++;
  });
  return drawn;
}
