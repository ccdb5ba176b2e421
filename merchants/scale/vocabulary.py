"""The project's vocabulary for realistic Chinese shop, company and street names (DOMAIN.md §Fake data:
Faker's zh_CN companies are all 科技/传媒 firms and its addresses invent cities, so shop names are
`{brand}{category word}{店/馆/工作室}({branch}店)` from these words, on real divisions and townships)."""

# The words a shop of each sub-category (reference.categories slugs) puts after its brand.
CATEGORY_WORDS = {
    "hotpot": ("火锅", "老火锅", "串串香", "牛肉火锅", "鱼火锅", "潮汕牛肉火锅", "重庆火锅"),
    "bbq": ("烧烤", "烤肉", "炭火烤肉", "烤串", "韩式烤肉"),
    "buffet": ("自助餐", "海鲜自助", "烤肉自助"),
    "snack": ("小吃", "麻辣烫", "米粉", "面馆", "饺子馆", "快餐", "煎饼"),
    "chinese_regional": ("川菜", "湘菜", "粤菜", "东北菜", "江浙菜", "家常菜", "私房菜"),
    "jp_kr": ("日料", "寿司", "拉面", "韩国料理", "居酒屋"),
    "western": ("西餐厅", "牛排", "披萨", "汉堡"),
    "seafood": ("海鲜", "小龙虾", "海鲜大排档", "蟹宴"),
    "bakery": ("烘焙", "面包坊", "蛋糕", "甜品"),
    "coffee": ("咖啡", "咖啡馆", "精品咖啡"),
    "tea_drinks": ("奶茶", "茶饮", "鲜果茶", "果汁"),
    "luxury": ("大酒店", "国际酒店"),
    "upscale": ("酒店", "精品酒店", "商务酒店"),
    "budget": ("快捷酒店", "连锁酒店", "宾馆"),
    "homestay": ("民宿", "客栈"),
    "hostel": ("青年旅舍", "青旅"),
    "resort": ("度假村", "山庄"),
    "scenic": ("景区", "风景区"),
    "theme_park": ("乐园", "主题乐园"),
    "zoo": ("动物园", "植物园", "萌宠乐园"),
    "exhibition": ("美术馆", "展览馆", "艺术空间"),
    "water": ("水上乐园", "漂流"),
    "hot_spring": ("温泉", "温泉度假村"),
    "ski": ("滑雪场", "室内滑雪馆"),
    "camping": ("露营地", "营地"),
    "sightseeing": ("游船", "观光船"),
    "massage": ("足道", "足疗", "推拿", "按摩"),
    "bath": ("洗浴", "汗蒸", "浴场"),
    "ktv": ("KTV", "量贩KTV"),
    "bar": ("酒吧", "清吧", "精酿"),
    "escape_room": ("密室", "密室逃脱"),
    "script_game": ("剧本杀", "推理馆"),
    "party_house": ("轰趴", "轰趴馆"),
    "cinema": ("影城", "私人影院"),
    "billiards": ("台球", "桌球俱乐部"),
    "arcade": ("电玩城", "游艺"),
    "tea_chess": ("茶楼", "棋牌", "茶社"),
    "netcafe": ("网咖", "电竞馆"),
    "hair": ("美发", "造型", "发艺", "理发"),
    "nails": ("美甲", "美睫", "美甲美睫"),
    "spa": ("美容", "皮肤管理", "SPA", "养生馆"),
    "scalp": ("养发", "头皮护理"),
    "slimming": ("瘦身", "纤体", "形体管理"),
    "makeup": ("化妆造型", "化妆"),
    "tattoo": ("纹身", "纹绣", "半永久"),
    "injectables": ("医疗美容门诊部", "医美"),
    "laser_skin": ("皮肤科门诊部", "光电美容"),
    "plastic_surgery": ("整形医院", "医疗美容医院"),
    "dental": ("口腔", "齿科", "口腔门诊部"),
    "checkup": ("体检中心", "健康体检"),
    "tcm": ("中医馆", "理疗", "国医馆"),
    "optometry": ("眼科", "视光中心"),
    "playground": ("儿童乐园", "淘气堡"),
    "kids_photo": ("儿童摄影", "亲子摄影"),
    "early_edu": ("早教", "早教中心"),
    "baby_swim": ("婴儿游泳", "母婴游泳馆"),
    "kids_sports": ("儿童运动馆", "体适能"),
    "family_activity": ("亲子DIY", "陶艺", "手工坊"),
    "postpartum": ("月子会所", "月子中心"),
    "gym": ("健身", "健身房", "健身工作室"),
    "yoga": ("瑜伽", "普拉提"),
    "dance": ("舞蹈", "街舞"),
    "swimming": ("游泳馆", "游泳健身"),
    "courts": ("羽毛球馆", "篮球馆", "网球"),
    "climb_skate": ("攀岩", "滑冰场", "冰场"),
    "martial": ("拳馆", "跆拳道", "散打"),
    "language": ("英语", "外语培训", "少儿英语"),
    "music": ("钢琴", "音乐培训", "琴行"),
    "art": ("美术", "书法", "画室"),
    "driving": ("驾校", "驾培"),
    "vocational": ("职业培训", "技能培训"),
    "study_room": ("自习室", "共享自习室"),
    "bridal_photo": ("婚纱摄影", "婚纱"),
    "planning": ("婚礼策划", "婚庆"),
    "banquet": ("宴会厅", "婚宴"),
    "bridal_wear": ("婚纱礼服", "礼服"),
    "travel_photo": ("旅拍", "旅拍工作室"),
    "portrait": ("写真", "摄影"),
    "housekeeping": ("家政", "保洁"),
    "laundry": ("洗衣", "干洗", "洗鞋"),
    "appliance_repair": ("家电维修", "手机维修"),
    "home_repair": ("开锁", "维修"),
    "moving": ("搬家", "搬家公司"),
    "pet_grooming": ("宠物", "宠物美容"),
    "vet": ("宠物医院", "动物医院"),
    "car_wash": ("洗车", "汽车美容"),
    "car_service": ("汽车保养", "汽修"),
    "printing": ("图文", "打印", "冲印"),
    "convenience": ("超市", "便利店"),
    "flowers": ("花店", "鲜花"),
    "fresh": ("水果", "生鲜"),
    "liquor_tea": ("烟酒", "茶叶", "名烟名酒"),
    "jewelry": ("珠宝", "银饰", "饰品"),
    "eyewear": ("眼镜", "眼镜店"),
}

# Per industry: how often a sub-category's shops appear (local-services listings are mostly food), the
# suffixes a shop name takes, the business a company of that industry registers, and the average
# ticket in CNY (low, high).
INDUSTRIES = {
    "dining": (40, ("", "", "店", "馆"), "餐饮管理", (15, 180)),
    "lodging": (4, ("",), "酒店管理", (150, 900)),
    "attractions": (2, ("",), "旅游开发", (40, 260)),
    "leisure": (10, ("", "会所", "馆", "店"), "文化娱乐", (50, 300)),
    "beauty": (15, ("", "工作室", "店", "馆"), "美容美发", (60, 500)),
    "medical": (3, ("",), "医疗管理", (300, 5000)),
    "family": (5, ("", "馆", "中心"), "儿童服务", (60, 400)),
    "sports": (5, ("", "馆", "工作室", "俱乐部"), "体育文化", (50, 300)),
    "education": (4, ("", "工作室", "中心"), "教育咨询", (100, 800)),
    "wedding": (2, ("", "工作室", "店"), "婚庆服务", (1000, 9000)),
    "services": (7, ("", "店", "中心"), "生活服务", (30, 300)),
    "retail": (3, ("", "店"), "商贸", (20, 300)),
}
# Sub-categories that are far more common than their industry's average.
POPULAR_CATEGORIES = {"hotpot": 3, "snack": 4, "chinese_regional": 3, "bbq": 2, "tea_drinks": 2, "hair": 2, "nails": 2}
# A word ending so does not take one more (健身房 is not 健身房馆).
NOUN_ENDINGS = tuple("店馆室园院部所厅城司房堡场区地吧坊楼行社宴心村庄船营屋") + ("中心", "KTV", "SPA")

# Shop brands: evocative words, besides the family names of owners (张记, 老王家).
SHOP_BRANDS = (
    "悦享 拾光 初见 花间 云朵 禾田 鲜丰 食尚 知味 蜀香 川渝 湘遇 江南 北岸 南山 东篱 西岭 "
    "青禾 小满 半夏 福满 金鼎 聚福 鸿运 吉祥 一品 御品 兴隆 好运 大福 喜乐 欢聚 乐享 优品 "
    "星辰 月光 暖阳 晨曦 山海 木子 石头 老街 巷子 胡同 码头 渔家 田园 乡村 山城 古镇 蓝海 "
    "银杏 梧桐 樱花 玫瑰 百合 茉莉 紫荆 芙蓉 牡丹 凤凰 锦绣 盛世 尚品 名门 雅致 素心 悠然 "
    "自在 遇见 时光 岁月 印象 旧时 老家 外婆家 胖哥 三哥 二姐 阿妹 红运 金牌 皇城 御膳 "
    "龙门 天府 巴蜀 岭南 闽南 塞北 江畔 湖畔 溪畔 竹林 松风 半山 望京 东城 西城 南门 北街 "
    "春风 夏荷 秋实 冬阳 向阳 朝露 晚风 良辰 美好 安心 如意 顺心 欣悦"
).split()
SHOP_BRAND_PATTERNS = ("{surname}记", "老{surname}家", "{surname}氏", "阿{surname}", "{surname}大姐", "{surname}师傅")

# Agencies (服务商): a brand and the kind of company they register.
AGENCY_BRANDS = (
    "星耀 云途 聚力 点石 领航 创想 启明 灵犀 优选 极光 飞鱼 橙果 蓝鲸 青柠 米粒 麦田 蜂鸟 "
    "跃动 光合 数联 微澜 鲸鱼 火花 星河 万象 云帆 引力 合力 智汇 众创 卓越 博远 锐思 品扬 "
    "声浪 潮流 新橙 果核 柠檬 薄荷 熊猫 海豚 猎豹 雄鹰 骏马 青鸟 白鹭 金蝉 磐石 远山 长风 "
    "破浪 扬帆 同舟 共赢 众星 繁星 银河 晨光 朝阳 乐途 优客 达人 红人 流量 爆款"
).split()
AGENCY_SUFFIXES = (
    "文化传媒有限公司",
    "网络科技有限公司",
    "电子商务有限公司",
    "信息技术有限公司",
    "品牌管理有限公司",
    "营销策划有限公司",
    "数字科技有限公司",
    "广告有限公司",
)
AGENCY_STRENGTHS = (
    "团购上架",
    "短视频种草",
    "达人探店",
    "直播代播",
    "门店装修诊断",
    "评价管理",
    "本地推投放",
    "团购套餐设计",
)

# Streets: a root, an optional direction and a kind (人民路, 解放东路, 滨江大道).
STREET_ROOTS = (
    "人民 解放 中山 建设 和平 文化 新华 胜利 长江 黄河 青年 东风 朝阳 滨江 学府 幸福 友谊 "
    "光明 团结 民主 五一 八一 工业 商业 迎宾 体育 健康 振兴 繁荣 育才 花园 公园 站前 金桥 "
    "银河 天山 昆仑 泰山 华山 黄山 桂花 紫薇 丁香 海棠 翠竹 松林 锦江 湘江 珠江 汉江 淮河 "
    "运河 府前 县前 书院 文昌 龙泉 凤鸣 玉带 环城"
).split()
STREET_DIRECTIONS = ("", "", "", "东", "西", "南", "北", "中")
STREET_KINDS = ("路", "路", "路", "街", "大道", "大街")
BUILDINGS = ("万达广场", "吾悦广场", "万象城", "天街", "银泰城", "大悦城", "印象城", "宝龙广场", "步行街", "商业中心")

# Township names lose their kind when they become a branch name (新立街道 → 新立店).
TOWNSHIP_SUFFIXES = ("民族乡", "地区办事处", "街道办事处", "街道", "镇", "乡", "苏木")

# Case studies and service packages of agencies.
CASE_RESULTS = ("团购GMV增长{n}%", "核销率提升{n}%", "到店客流翻{m}倍", "直播间GMV突破{k}万", "评分升至4.{d}分")
PACKAGE_NAMES = {
    "livestream": ("直播代播", "直播间搭建", "达人直播"),
    "short_video": ("短视频代拍", "探店视频", "短视频矩阵"),
    "store_ops": ("门店代运营", "团购运营", "评价与门店装修"),
}
PACKAGE_LEVELS = {"basic": ("基础版", 1), "value_added": ("进阶版", 3), "creative": ("创意定制版", 8)}
