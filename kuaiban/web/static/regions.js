// 所在地区: fill the next select from GET /api/regions?parent=CODE as soon as a region is chosen.
// Without script the page still works: the server renders the next level after each post.
(function () {
  "use strict";
  document.querySelectorAll("[data-regions-api]").forEach(wire);
  function wire(box) {
  const api = box.dataset.regionsApi;
  const select = (level) => box.querySelector(`select[data-level="${level}"]`);
  const province = select("province"), city = select("city"), county = select("county");

  function fill(el, regions, emptyText) {
    el.replaceChildren();
    const first = document.createElement("option");
    first.value = "";
    first.textContent = regions.length ? (box.dataset.any || "请选择") : emptyText;  // a filter says 全部
    el.append(first);
    for (const r of regions) {
      const option = document.createElement("option");
      option.value = r.code;
      option.textContent = r.name;
      el.append(option);
    }
    el.disabled = regions.length === 0;
  }

  async function below(code) {
    if (!code) return [];
    const response = await fetch(`${api}?parent=${encodeURIComponent(code)}`, {headers: {Accept: "application/json"}});
    return response.ok ? response.json() : [];
  }

  province.addEventListener("change", async () => {
    const regions = await below(province.value);
    const cities = regions.filter((r) => r.level === "city");
    fill(city, cities, province.value ? "本地区无此级，请直接选择区、县" : "请先选择上一级");
    // a 直辖市's districts (and 省直辖县级 places) sit right under the province
    fill(county, regions.filter((r) => r.level === "county"), "请先选择上一级");
  });
  city.addEventListener("change", async () => {
    const regions = city.value ? await below(city.value) : (await below(province.value)).filter((r) => r.level === "county");
    fill(county, regions, "请先选择上一级");
  });
  const hint = box.querySelector(".hint");
  if (hint && box.dataset.hint !== "keep") hint.textContent = box.dataset.field ? "逐级选择省、市、区县。" : "个人填写户籍或常住地，单位填写注册地。逐级选择省、市、区县。";
  }
})();
