"""Interface strings of the UI in English and Chinese. `t(key, lang, **values)` returns the string in
the chosen language (English when a translation is missing) with `{values}` filled in. Codebook labels
(issues, accident types, levels) come from the codebook itself, which is bilingual."""

from __future__ import annotations

LANGS = {"en": "English", "zh": "中文"}

_S: dict[str, tuple[str, str]] = {
    # navigation and shared
    "app.title": ("Dutytrace", "Dutytrace 责任追溯"),
    "app.caption": ("Search past accident investigations: reports, interview transcripts and accountability "
                    "decisions.", "检索以往事故调查：调查报告、询问笔录和问责决定。"),
    "nav.search": ("Search", "检索"),
    "nav.case": ("Case", "案件"),
    "nav.document": ("Document", "文档"),
    "nav.similar": ("Similar cases", "相似案件"),
    "nav.ingest": ("Ingest", "导入"),
    "nav.analytics": ("Analytics", "统计分析"),
    "nav.export": ("Export", "导出"),
    "lang.label": ("Interface language", "界面语言"),
    "nav.admin": ("Audit & users", "审计与用户"),
    "login.title": ("Sign in", "登录"),
    "login.intro": ("Case files name people, officials and sanctions: sign in to see the cases you are cleared for.",
                    "案件材料涉及人员、公职人员和处分信息，请登录后查看您有权限的案件。"),
    "login.name": ("User name", "用户名"),
    "login.password": ("Password", "密码"),
    "login.submit": ("Sign in", "登录"),
    "login.failed": ("Wrong user name or password, or the user is disabled.", "用户名或密码错误，或该用户已停用。"),
    "login.as": ("Signed in as {name} ({role}, clearance {clearance})", "当前用户：{name}（{role}，密级 {clearance}）"),
    "logout": ("Sign out", "退出登录"),
    "denied": ("Your role does not allow this.", "您的角色无权执行此操作。"),
    "adm.audit": ("Audit trail", "审计日志"),
    "adm.users": ("Users", "用户"),
    "adm.filter_user": ("User", "用户"),
    "adm.filter_action": ("Action", "操作"),
    "adm.csv": ("Export the audit trail (CSV)", "导出审计日志（CSV）"),
    "stats": ("{cases} cases · {documents} documents · {chunks} passages indexed",
              "共 {cases} 个案件 · {documents} 份文档 · {chunks} 个段落已索引"),
    "any": ("any", "全部"),
    "page": ("page {page}", "第 {page} 页"),
    "open_page": ("Open p. {page}", "打开第 {page} 页"),
    "open_case": ("Open case", "打开案件"),
    "no_case": ("No case selected. Pick one below or open one from the search results.",
                "尚未选择案件。请在下方选择，或从检索结果中打开。"),
    "pick_case": ("Case", "案件"),
    "empty_catalog": ("Nothing has been ingested yet. Use the Ingest page to add cases.",
                      "尚未导入任何文档。请在“导入”页面添加案件。"),
    # search
    "search.options": ("Search options", "检索选项"),
    "search.mode": ("Mode", "检索方式"),
    "search.mode.help": ("hybrid fuses meaning (dense vectors) and exact words (BM25)",
                         "混合：语义向量与关键词（BM25）融合"),
    "mode.hybrid": ("hybrid", "混合"),
    "mode.lexical": ("lexical", "关键词"),
    "mode.dense": ("dense", "语义"),
    "search.limit": ("Cases to show", "显示案件数"),
    "search.query": ("Query", "检索词"),
    "search.placeholder": ("e.g. workers entered a confined space without gas testing · 监管职责不清",
                           "例如：未检测气体进入有限空间 · regulatory blind spot"),
    "search.filters": ("Filters", "筛选"),
    "search.facets_note": ("Numbers are cases matching the current query.", "数字为当前检索命中的案件数。"),
    "search.none": ("No matching cases. Try other words, another mode, or fewer filters.",
                    "没有匹配的案件。请换用其他词语、检索方式，或减少筛选条件。"),
    "search.intro": ("Type a question or keywords, in English or Chinese. Results are grouped by case; each "
                     "passage names its document and page.",
                     "输入问题或关键词（中英文均可）。结果按案件分组，每个段落注明所在文档和页码。"),
    "search.score": ("score {score:.4f}", "得分 {score:.4f}"),
    "search.issues": ("Issues", "责任问题"),
    "search.dead": ("{n} dead", "{n} 人死亡"),
    "search.export": ("Evidence list of this search", "本次检索的证据清单"),
    "f.language": ("Document language", "文档语言"),
    "f.kind": ("Document kind", "文档类型"),
    "f.case_tags": ("Responsibility issue", "责任问题"),
    "f.accident_type": ("Accident type", "事故类型"),
    "f.industry": ("Industry", "行业"),
    "f.region": ("Region", "地区"),
    "f.grade": ("Grade", "事故等级"),
    "f.year": ("Year", "年份"),
    "kind.report": ("report", "调查报告"),
    "kind.transcript": ("transcript", "询问笔录"),
    "kind.decision": ("decision", "问责决定"),
    "kind.other": ("other", "其他"),
    # case
    "case.facts": ("Facts", "基本事实"),
    "fact.date": ("Date", "日期"),
    "fact.location": ("Place", "地点"),
    "fact.region": ("Region", "地区"),
    "fact.enterprise": ("Enterprise", "事故单位"),
    "fact.industry": ("Industry", "行业"),
    "fact.accident_type": ("Accident type", "事故类型"),
    "fact.grade": ("Grade", "事故等级"),
    "fact.casualties": ("Casualties", "伤亡"),
    "fact.direct_loss": ("Direct loss", "直接经济损失"),
    "casualties": ("{dead} dead, {injured} injured", "死亡 {dead} 人，受伤 {injured} 人"),
    "case.documents": ("Documents", "文档"),
    "case.accountability": ("People held accountable", "责任人员"),
    "case.no_accountability": ("No accountability found in the documents.", "文档中未发现问责信息。"),
    "acc.person": ("Person", "姓名"),
    "acc.role": ("Post", "职务"),
    "acc.organisation": ("Organisation", "单位"),
    "acc.level": ("Responsibility level", "责任层级"),
    "acc.sanction": ("Sanction", "处理"),
    "acc.doc": ("Source", "出处"),
    "case.tags": ("Responsibility issues and their evidence", "责任问题及证据"),
    "case.no_tags": ("No responsibility issue tagged.", "未标注责任问题。"),
    "tag.confidence": ("confidence {score:.2f}", "置信度 {score:.2f}"),
    "tag.accepted": ("accepted by a reviewer", "已经审核确认"),
    "tag.accept": ("Accept", "确认"),
    "tag.reject": ("Reject", "驳回"),
    "tag.done": ("Recorded: {tag} {decision}.", "已记录：{tag} {decision}。"),
    "case.timeline": ("Timeline", "时间线"),
    "case.no_timeline": ("No dated events found.", "未发现带日期的事件。"),
    "case.similar": ("Similar past cases", "查找相似案件"),
    "case.export": ("Evidence list of this case", "本案证据清单"),
    "col.document": ("Document", "文档"),
    "col.kind": ("Kind", "类型"),
    "col.language": ("Language", "语言"),
    "col.pages": ("Pages", "页数"),
    # document viewer
    "doc.none": ("No document selected. Open one from a search result or a case.",
                 "尚未选择文档。请从检索结果或案件页面打开。"),
    "doc.page": ("Page", "页码"),
    "doc.image": ("Page image", "页面图像"),
    "doc.text": ("Page text", "页面文字"),
    "doc.transcript": ("Transcript", "笔录全文"),
    "doc.marked": ("The passage is marked.", "相关段落已标出。"),
    "doc.back_case": ("Back to case {case}", "返回案件 {case}"),
    # similar
    "sim.intro": ("Upload a new case's document, or pick a past case, to see the most similar past cases and "
                  "why.", "上传新案件的文档，或选择一个已有案件，查看最相似的以往案件及理由。"),
    "sim.upload": ("New document (PDF, DOCX, TXT)", "新文档（PDF、DOCX、TXT）"),
    "sim.or_case": ("…or an existing case", "……或已有案件"),
    "sim.none": ("(none)", "（不选）"),
    "sim.run": ("Find similar cases", "查找相似案件"),
    "sim.working": ("Reading, tagging and comparing…", "正在解析、标注并比对……"),
    "sim.shared_tags": ("Shared issues", "共同责任问题"),
    "sim.shared_entities": ("Shared names", "共同实体"),
    "sim.shared_concepts": ("Shared concepts", "共同要素"),
    "sim.same_type": ("Same accident type: {type}", "事故类型相同：{type}"),
    "sim.pairs": ("Matching passages", "相似段落"),
    "sim.yours": ("Yours", "新文档"),
    "sim.theirs": ("Theirs", "以往案件"),
    "sim.empty": ("No similar case found.", "未找到相似案件。"),
    # ingest
    "ing.intro": ("Add documents to the catalog and the index. Each folder inside an archive or server folder is "
                  "one case; uploaded loose files form one case named below.",
                  "将文档加入目录和索引。压缩包或服务器文件夹中的每个一级子文件夹为一个案件；单独上传的文件归入下方命名的案件。"),
    "ing.upload": ("Files or archives (zip, tar)", "文件或压缩包（zip、tar）"),
    "ing.case_id": ("Case id for loose files", "单独文件所属案件编号"),
    "ing.folder": ("…or a folder on the server", "……或服务器上的文件夹"),
    "ing.workers": ("Parallel workers", "并行进程数"),
    "ing.run": ("Ingest", "开始导入"),
    "ing.nothing": ("Choose files or a folder first.", "请先选择文件或文件夹。"),
    "ing.no_folder": ("{path}: no such folder on the server.", "{path}：服务器上没有该文件夹。"),
    "ing.progress": ("{done} of {total} files · {path}", "已处理 {done}/{total} 个文件 · {path}"),
    "ing.done": ("Ingested {ingested}, unchanged {unchanged}, failed {failed} · {cases} cases, {chunks} passages, "
                 "{seconds:.1f} s", "导入 {ingested}，未变 {unchanged}，失败 {failed} · {cases} 个案件，{chunks} 个段落，"
                 "用时 {seconds:.1f} 秒"),
    "ing.errors": ("Files that could not be ingested", "未能导入的文件"),
    "ing.path": ("File", "文件"),
    "ing.error": ("Reason", "原因"),
    "ing.bad_case_id": ("The case id may use letters, digits, '-', '_' and '.' only.",
                        "案件编号只能包含字母、数字、“-”、“_”和“.”。"),
    # analytics
    "an.intro": ("Responsibility issues across all cases. Pick a dimension; each bar counts cases. Choose a cell "
                 "below to see the cases behind it.", "全部案件的责任问题分布。选择维度；每个条形为案件数。在下方选择单元格查看对应案件。"),
    "an.dimension": ("Dimension", "维度"),
    "an.dim.year": ("Year", "年份"),
    "an.dim.region": ("Region", "地区"),
    "an.dim.industry": ("Industry", "行业"),
    "an.dim.accident_type": ("Accident type", "事故类型"),
    "an.dim.tag": ("Responsibility issue", "责任问题"),
    "an.cases": ("Cases", "案件数"),
    "an.issue": ("Issue", "责任问题"),
    "an.drill": ("Drill down", "下钻查看"),
    "an.value": ("Value", "取值"),
    "an.behind": ("{n} cases", "{n} 个案件"),
    "an.unknown": ("(unknown)", "（未知）"),
    "an.all_issues": ("(all issues)", "（全部问题）"),
    # export
    "ex.intro": ("Download the evidence list (case, document, page, passage, issues) of a search or of a case.",
                 "下载检索结果或案件的证据清单（案件、文档、页码、段落、责任问题）。"),
    "ex.source": ("Evidence of", "证据来源"),
    "ex.of_search": ("a search", "一次检索"),
    "ex.of_case": ("a case", "一个案件"),
    "ex.rows": ("{n} rows", "共 {n} 行"),
    "ex.csv": ("Download CSV", "下载 CSV"),
    "ex.xlsx": ("Download XLSX", "下载 XLSX"),
}


def t(key: str, lang: str = "en", **values) -> str:
    en, zh = _S.get(key, (key, key))
    text = zh if lang == "zh" and zh else en
    return text.format(**values) if values else text


def keys() -> list[str]:
    return list(_S)


def entry_label(entry, lang: str, fallback: str | None = None) -> str:
    """A codebook entry's name in the interface language (the id when the entry is unknown)."""
    if entry is None:
        return fallback or ""
    return entry.label(lang)
