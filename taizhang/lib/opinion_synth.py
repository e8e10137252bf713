"""Synthetic labelled opinions: the data the product's default triage model is trained on, and the bench's.

Each problem is one issue (a category's sub-topic with the office that handles it) at one place; its
opinions are written by different people through different channels, in different registers and lengths,
each using a different subset of the issue's phrasings, so duplicates are paraphrases rather than copies.
Place names are drawn from syllables, never from a real or a development data set, so a model trained
here has to learn issues, not names. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

# (category, unit, where, phrasings). where: school, primary, middle, kindergarten, vocational, private,
# office, institution, area. A private/vocational/kindergarten place may re-route (see _route).
ISSUES: list[tuple[str, str, str, tuple[str, ...]]] = [
    (
        "formalism",
        "办公室",
        "school",
        (
            "为迎接检查停课打扫卫生",
            "连夜补做会议记录和台账",
            "补拍活动照片应付检查",
            "迎检比教学还忙",
            "检查太多太频繁",
        ),
    ),
    (
        "formalism",
        "基础教育股",
        "primary",
        (
            "活动要交手抄报照片视频美篇",
            "重留痕轻实效",
            "让家长做材料拍照交差",
            "要求朋友圈转发集赞",
            "活动材料全靠家长",
        ),
    ),
    (
        "formalism",
        "安全稳定股",
        "school",
        (
            "安全教育平台打卡截图",
            "完成率排名纳入考核",
            "家长手机上点点点就算学过",
            "答案群里有人发视频挂着",
            "打卡任务过多",
        ),
    ),
    (
        "formalism",
        "督导室",
        "middle",
        (
            "手抄教案字数要求",
            "备课本页数不够扣绩效",
            "教案检查只看厚度",
            "满意度测评让家长统一填非常满意",
            "以篇数字数量化评分",
        ),
    ),
    (
        "formalism",
        "办公室",
        "office",
        (
            "要求写几千字心得体会拍照上传",
            "各种报表重复填报",
            "同一组数据报了好几遍",
            "工作群里每天打卡签到",
            "学习强国积分排名通报",
        ),
    ),
    (
        "bureaucratism",
        "办公室",
        "school",
        (
            "多个部门之间踢皮球",
            "反映了多次没有人到现场",
            "只转文件不落实",
            "每次回复都说已转学校处理",
            "门口过街设施诉求半年没解决",
        ),
    ),
    (
        "bureaucratism",
        "基础教育股",
        "middle",
        (
            "局里开个会就定了没征求家长意见",
            "拍脑袋决策",
            "整体搬迁新校区没有配套",
            "决策前没有调研和听证",
            "方案由局里直接下达",
        ),
    ),
    (
        "bureaucratism",
        "督导室",
        "school",
        ("责任督学公示牌电话是空号", "督学一年到头没来过", "督导信息不更新", "挂牌督导流于形式"),
    ),
    (
        "bureaucratism",
        "办公室",
        "office",
        ("会议太多层层传达", "念文件开长会", "一个会传达另一个会的精神", "临时通知开会", "校长大半时间在开会"),
    ),
    (
        "bureaucratism",
        "人事股",
        "office",
        (
            "交流期满申请回城拖着不办",
            "申请交上去没有下文",
            "说再等等研究一下",
            "没有任何书面答复",
            "问谁都说不清卡在哪个环节",
        ),
    ),
    (
        "hedonism",
        "纪检组",
        "school",
        (
            "上班时间不在岗去钓鱼",
            "工作日下午经常脱岗",
            "分管副校长无故不在岗",
            "中午在外喝酒下午满身酒气",
            "上班时间打牌",
        ),
    ),
    (
        "hedonism",
        "纪检组",
        "school",
        ("公务车周末停在校长家小区", "公车私用接送孩子买菜", "节假日公车行驶几百公里无派车记录", "学校的车给领导私用"),
    ),
    (
        "hedonism",
        "纪检组",
        "school",
        (
            "借培训之名公款旅游",
            "暑假组织老师去海边培训实为旅游",
            "培训日程只有半天讲座其余是景点",
            "朋友圈全是沙滩照片培训经费报销",
        ),
    ),
    (
        "extravagance",
        "纪检组",
        "school",
        ("校庆大操大办搭舞台放烟花", "在大酒店摆几十桌宴请", "开幕式请演艺公司花费几十万", "活动铺张浪费向家长募捐"),
    ),
    (
        "extravagance",
        "计划财务股",
        "school",
        ("校长办公室装修豪华红木家具", "大茶台真皮沙发办公室面积超标", "办公室像会所茶楼", "装修办公室不修学生厕所"),
    ),
    (
        "extravagance",
        "纪检组",
        "school",
        ("以教研名义去农家乐吃喝", "公款吃喝发票开成会议费", "一桌两千多喝好酒学校报销", "聚餐费用从公用经费出"),
    ),
    (
        "extravagance",
        "计划财务股",
        "school",
        ("逢年过节给教职工发购物卡", "违规发放福利补贴", "中秋国庆发卡是什么经费", "变相发放奖金"),
    ),
    (
        "paid_tutoring",
        "人事股",
        "school",
        (
            "在职老师在家有偿补课",
            "周末在小区里办补习班",
            "课上不讲透逼学生去补课",
            "每次一百块班上一半同学都去",
            "暑假以托管为名开班补课",
        ),
    ),
    (
        "paid_tutoring",
        "人事股",
        "school",
        (
            "在职教师到培训机构兼职上课",
            "推荐学生去机构补课拿提成",
            "机构广告说有本校老师授课",
            "老师在外面机构带课收课时费",
        ),
    ),
    (
        "paid_tutoring",
        "人事股",
        "middle",
        (
            "晚自习后在教室收费补课",
            "培优课每人每月收两百",
            "校内利用课余时间收费辅导",
            "费用由班长收齐交给老师没有收据",
        ),
    ),
    (
        "oversized_class",
        "基础教育股",
        "school",
        (
            "一个班七十多人",
            "班额严重超标",
            "课桌摆到讲台和门口",
            "超计划招生不增班",
            "教室挤得转不开身老师改不过来作业",
        ),
    ),
    (
        "oversized_class",
        "基础教育股",
        "primary",
        ("转学生插班班里五十多人", "一年级一个班六十多个孩子", "开学又塞进好几个学生", "插班有没有人数限制"),
    ),
    (
        "enrollment",
        "基础教育股",
        "middle",
        (
            "学区划片调整没有公示",
            "小区被划出学区",
            "划片一夜变天",
            "划片依据不透明请求过渡期",
            "业主拉横幅质疑学区调整",
        ),
    ),
    (
        "enrollment",
        "招生考试中心",
        "middle",
        ("分数不够的学生也录取了", "条子生择校生", "录取名单不公开", "中考录取不公平", "低于统招线入学"),
    ),
    (
        "enrollment",
        "基础教育股",
        "primary",
        (
            "随迁子女入学要五证齐全",
            "外地孩子报名卡得很严",
            "社保不满一年不让报名",
            "进城务工人员子女上学难",
            "入学材料要求太多",
        ),
    ),
    (
        "enrollment",
        "基础教育股",
        "school",
        ("转学要准备哪些材料", "想把孩子转到城区学校", "转学手续找哪个部门", "户籍迁移后怎么转学"),
    ),
    ("enrollment", "基础教育股", "middle", ("进实验班要考试分班", "违规举办重点班", "按成绩分快慢班")),
    (
        "illegal_fees",
        "计划财务股",
        "school",
        ("统一征订教辅资料强制收费", "资料费不交不行", "教辅书重复买", "书费没有票据"),
    ),
    (
        "illegal_fees",
        "计划财务股",
        "school",
        ("强制购买校服价格太高", "校服每年换款要重新买", "校服定点采购没有招标", "两套校服六百多面料普通"),
    ),
    (
        "illegal_fees",
        "计划财务股",
        "primary",
        ("家委会名义收班费", "每家交五百元给教室装空调", "班费账目不公开", "不交的在群里点名"),
    ),
    (
        "illegal_fees",
        "计划财务股",
        "school",
        ("午休收床位费", "课后服务说自愿却收费", "不参加课后服务就要三点半接走", "收取各种名目的费用", "变相强制收费"),
    ),
    (
        "illegal_fees",
        "计划财务股",
        "school",
        ("入学要交赞助费", "只给收条不开发票", "择校费建校费", "捐资助学变成强制"),
    ),
    (
        "homework_burden",
        "基础教育股",
        "primary",
        ("作业写到晚上十点多", "作业量超过公示", "要求家长批改作业", "周末还有好几张卷子", "打卡完成率排名发到群里"),
    ),
    (
        "homework_burden",
        "基础教育股",
        "middle",
        (
            "周六照常到校上课",
            "假期补课统一收费上课",
            "考试太多张榜公布排名",
            "寒假作业二十多本卷子",
            "节假日组织学生到校",
        ),
    ),
    (
        "campus_safety",
        "安全稳定股",
        "school",
        ("接送学生的面包车严重超载", "没有正规校车", "私人面包车拉一车孩子", "校车拐弯差点翻车"),
    ),
    (
        "campus_safety",
        "安全稳定股",
        "school",
        ("校门口放学交通混乱没人指挥", "电动车汽车学生挤在一起", "学生差点被车刮倒", "门口没有斑马线和红绿灯"),
    ),
    (
        "campus_safety",
        "安全稳定股",
        "school",
        ("高年级学生收保护费", "校园欺凌不敢上厕所", "被同学围堵殴打", "学生打架学校不处理"),
    ),
    (
        "campus_safety",
        "安全稳定股",
        "school",
        ("外来人员进校没人登记", "门卫形同虚设", "陌生人能一路走到教室", "保安不在岗"),
    ),
    (
        "campus_safety",
        "安全稳定股",
        "kindergarten",
        ("接孩子不核对接送卡", "陌生人把孩子领走", "放学接送管理混乱", "老师没核对身份就放人"),
    ),
    (
        "campus_safety",
        "安全稳定股",
        "school",
        ("宿舍私拉电线用大功率电器", "插线板烧焦有火灾隐患", "消防通道堆放杂物", "灭火器过期"),
    ),
    ("canteen", "学生营养办", "school", ("食堂饭菜里吃出虫子", "食堂卫生没人检查", "饭菜变质有异味", "厨师没有健康证")),
    (
        "canteen",
        "学生营养办",
        "school",
        ("营养餐缩水鸡蛋牛奶不够", "营养改善计划供餐台账不符", "营养餐资金被挪用", "一周吃不到几个鸡蛋"),
    ),
    (
        "canteen",
        "学生营养办",
        "school",
        ("食堂饭菜又贵又少", "强制在校就餐不许送饭", "伙食费交了孩子吃不饱", "饭卡充值收手续费", "食堂收支不公开"),
    ),
    (
        "teacher_ethics",
        "人事股",
        "school",
        ("老师体罚辱骂学生", "罚站罚抄打手心", "当着全班羞辱孩子", "孩子被骂得厌学"),
    ),
    (
        "teacher_ethics",
        "人事股",
        "school",
        ("男老师给女生发不当消息", "对女生开带颜色的玩笑", "言行不尊重学生", "私下骚扰女学生"),
    ),
    (
        "teacher_ethics",
        "人事股",
        "school",
        ("老师上课玩手机迟到早退", "上课不认真经常让学生自习", "把学生分成好坏两类区别对待", "放弃差生不管"),
    ),
    (
        "teacher_ethics",
        "人事股",
        "school",
        ("老师在家长群里卖保健品微商", "推销商品家长不好意思不买", "让家长帮忙办私事"),
    ),
    (
        "kindergarten_access",
        "学前教育股",
        "kindergarten",
        ("公办园一位难求", "摇号过程不透明", "报名比例三比一", "私立园太贵上不起"),
    ),
    (
        "kindergarten_access",
        "学前教育股",
        "area",
        (
            "小区配套幼儿园没有移交",
            "新建幼儿园闲置不开园",
            "学前教育资源不足",
            "孩子挤在民房里上幼儿园",
            "建议增加公办园学位",
        ),
    ),
    (
        "kindergarten_access",
        "学前教育股",
        "kindergarten",
        ("普惠园收费比私立还高", "挂普惠牌子另收特色课程费", "拿了补贴还乱收费", "保教费一个月一千多"),
    ),
    (
        "kindergarten_access",
        "学前教育股",
        "area",
        ("公办园不招托班", "两三岁婴幼儿托育资源空白", "建议公办园开设托班", "双职工家庭没人带孩子"),
    ),
    (
        "offcampus_training",
        "民办教育管理股",
        "institution",
        ("培训机构改名继续学科类培训", "换个名字偷偷上课", "双减以后还在小区里补课", "会员卡形式收费躲避监管"),
    ),
    (
        "offcampus_training",
        "民办教育管理股",
        "institution",
        ("培训机构突然关门跑路", "预收学费不退", "老板电话打不通", "充值送课后卷款跑路", "预收费没有监管"),
    ),
    (
        "offcampus_training",
        "民办教育管理股",
        "institution",
        ("托管机构无证经营", "场地狭小有消防隐患", "午托晚托没有资质", "做饭的阿姨没有健康证"),
    ),
    (
        "offcampus_training",
        "民办教育管理股",
        "institution",
        ("天天接到培训推销电话", "学生信息被泄露", "对方知道孩子的学校和成绩", "拉黑了换号继续打"),
    ),
    (
        "offcampus_training",
        "民办教育管理股",
        "institution",
        ("虚假宣传外教授课", "外教没有资质", "夸大宣传承诺提分", "收费高退费难"),
    ),
    (
        "service_attitude",
        "人事股",
        "office",
        ("办教师资格认定态度生硬", "材料不一次性告知来回跑", "工作人员边玩手机边办事", "窗口人员爱答不理"),
    ),
    (
        "service_attitude",
        "基础教育股",
        "office",
        ("工作人员提前下班", "办学籍转学来回跑了好几趟", "上班时间找不到人", "让我们在学校和局里之间来回跑"),
    ),
    (
        "service_attitude",
        "办公室",
        "office",
        ("门卫拦着不让进", "办公电话一直没人接", "去教育局办事门难进", "必须预约却不知道怎么约"),
    ),
    (
        "service_attitude",
        "招生考试中心",
        "office",
        ("咨询电话语气不耐烦", "没说两句就挂电话", "问报名事宜被敷衍", "接线员态度很差"),
    ),
    (
        "service_attitude",
        "计划财务股",
        "office",
        ("申请学生资助电话被转来转去", "说找学校学校又说找局里", "资助申请没人管", "办事推诿"),
    ),
    (
        "corruption",
        "纪检组",
        "school",
        ("调班要送钱", "进实验班先送红包", "送购物卡烟酒才能调座位", "收家长的钱给孩子安排好班"),
    ),
    ("corruption", "纪检组", "school", ("食堂承包给校长亲戚", "承包没有公开招标", "合同发包暗箱操作")),
    (
        "corruption",
        "纪检组",
        "primary",
        ("教师节收家长购物卡", "收受家长红包礼品", "收了好几张卡价值好几千", "逢年过节要家长送礼"),
    ),
    (
        "corruption",
        "纪检组",
        "office",
        ("报账要请吃饭送烟才顺利", "拨付经费时刁难学校", "吃拿卡要意思意思", "审批要好处费"),
    ),
    (
        "corruption",
        "纪检组",
        "school",
        ("采购设备价格高出市场一倍", "招标参数量身定做", "工程项目回扣", "采购有利益输送"),
    ),
    (
        "facilities",
        "计划财务股",
        "school",
        ("教室冬天太冷没有暖气", "电暖器线路负荷不够用不了", "取暖问题两年没解决", "孩子手都冻烂了"),
    ),
    ("facilities", "计划财务股", "school", ("宿舍没有热水洗澡", "热水器坏了一学期", "宿舍条件太差", "住校生没法洗澡")),
    ("facilities", "计划财务股", "school", ("直饮水设备不换滤芯", "饮水机水质有问题", "学生喝水难")),
    (
        "facilities",
        "安全稳定股",
        "school",
        ("外墙面砖空鼓脱落", "教学楼墙皮掉落砸到人", "校舍有安全隐患", "楼道顶棚开裂"),
    ),
    ("facilities", "计划财务股", "school", ("塑胶跑道气味刺鼻", "新校区操场有异味", "要求检测跑道是否达标")),
    ("facilities", "计划财务股", "school", ("厕所坑位太少下课排不上", "女厕不够", "厕所脏臭没人打扫", "学生不敢喝水")),
    (
        "other",
        "职业教育股",
        "vocational",
        ("顶岗实习去工厂流水线", "实习和专业无关", "长期上夜班身体吃不消", "不完成实习不给毕业证"),
    ),
    ("other", "人事股", "school", ("临聘教师工资几个月没发", "代课老师工资太低", "等上级拨款一直拖欠工资")),
    ("other", "基础教育股", "primary", ("课后服务结束时间太早", "建议课后服务延长到六点", "五点放学接不了")),
    ("other", "办公室", "school", ("表扬老师不收钱义务家访", "好老师应该宣传", "感谢老师关心留守孩子", "送锦旗表扬")),
    ("other", "督导室", "office", ("咨询举报渠道和受理范围", "实名举报会不会保密", "想了解作风建设怎么反映问题")),
    ("other", "招生考试中心", "office", ("自考毕业证迟迟没下来", "询问自学考试办证进度", "成绩证明怎么开")),
    ("other", "职业教育股", "vocational", ("建议增设新专业", "校企合作岗位缺口大", "希望开设实用专业")),
    (
        "campus_safety",
        "安全稳定股",
        "middle",
        (
            "高年级学生勒索低年级要钱",
            "被几个学生堵在厕所要保护费",
            "孩子被打了学校一直说在调查",
            "打人的学生照常上课孩子不敢去学校",
            "威胁不准告诉老师",
        ),
    ),
    (
        "campus_safety",
        "安全稳定股",
        "school",
        ("学校附近网吧接纳未成年学生", "穿校服的学生在网咖通宵上网", "希望联合执法检查周边网吧", "校园周边环境整治"),
    ),
    (
        "teacher_ethics",
        "人事股",
        "school",
        ("班主任按成绩排座位", "成绩差的学生被安排在最后一排", "对成绩差的学生冷嘲热讽", "孩子心理受影响"),
    ),
    (
        "extravagance",
        "纪检组",
        "school",
        (
            "校庆规格太高花篮摆了两条街",
            "纪念品都是定制的",
            "建议节俭办校庆",
            "技能节开幕式气球拱门礼炮乐队",
            "给来宾发定制礼品",
        ),
    ),
    (
        "homework_burden",
        "基础教育股",
        "middle",
        ("初三周六集体到校上课", "说是自主学习实际讲新课", "周六上课要签到不来写检讨", "变相补课占用休息日"),
    ),
    (
        "homework_burden",
        "基础教育股",
        "primary",
        ("每天在APP上传朗读视频", "口算打卡跳绳视频家长要拍要剪", "视频作业增加家长负担", "作业要家长配合录制"),
    ),
    (
        "homework_burden",
        "基础教育股",
        "middle",
        ("每周都考考完就排名", "期中考试后张贴年级排名", "在家长群发全班成绩排名", "考试排名让孩子压力很大"),
    ),
    (
        "corruption",
        "纪检组",
        "middle",
        ("送红包就能调进实验班", "找教务主任打招呼调班", "分班说是随机其实看关系", "给主任送了几千孩子就调班"),
    ),
    (
        "corruption",
        "纪检组",
        "school",
        ("校长从食堂承包老板那里拿分成", "食堂价钱一涨再涨是因为有人拿好处", "校服定点公司老板是领导亲戚"),
    ),
    (
        "enrollment",
        "民办教育管理股",
        "private",
        (
            "民办学校提前组织笔试选拔",
            "以体验营冬令营名义考试招生",
            "面谈问的全是奥数题",
            "考完当场预录取要交定金",
            "违规提前招生",
        ),
    ),
    (
        "enrollment",
        "职业教育股",
        "vocational",
        ("职校给初中班主任介绍费", "推荐一个学生给人头费", "招生承诺包分配包就业", "职校招生虚假宣传"),
    ),
    (
        "enrollment",
        "基础教育股",
        "area",
        (
            "小区到学校走路十分钟却被划到远处",
            "划片按什么距离算",
            "开发商做了工作改了划片",
            "划片能不能提前公布",
            "我们小区不归原来的学校了",
        ),
    ),
    (
        "illegal_fees",
        "职业教育股",
        "vocational",
        ("从实习工资里扣管理费", "实习报酬先打到中介账户", "每月被扣几百元实习管理费", "学校老师从实习工资里分成"),
    ),
    ("illegal_fees", "计划财务股", "middle", ("买了一堆练习册一半没用过", "三百块钱买书全班都交了", "强制订购练习册")),
    (
        "canteen",
        "学生营养办",
        "kindergarten",
        ("伙食与公示食谱不符", "伙食费收支不公开", "孩子回家喊饿不给添饭", "食谱丰富实际是稀饭馒头"),
    ),
    ("canteen", "学生营养办", "middle", ("中午不能回家吃饭必须吃食堂", "封校不让家长送饭", "保安拦着送饭的家长")),
    (
        "offcampus_training",
        "民办教育管理股",
        "area",
        (
            "小区居民楼里有培训班上课",
            "楼道里天天几十个学生",
            "住宅被用作培训场所扰民",
            "机构改名研学营继续补课",
            "无办学许可开展学科培训",
        ),
    ),
    (
        "offcampus_training",
        "民办教育管理股",
        "institution",
        (
            "课还剩几十节钱找谁退",
            "老师工资被拖欠老板转移资产",
            "家长群几百人要求统一登记退费",
            "舞蹈钢琴课预付费退不了",
        ),
    ),
    (
        "facilities",
        "计划财务股",
        "school",
        ("教室温度太低学生穿棉衣上课", "取暖改造项目资金下达了没实施", "设备闲置一年", "空调坏了没人修"),
    ),
    (
        "paid_tutoring",
        "人事股",
        "school",
        ("课上讲一半剩下的去机构讲", "老师暗示家长孩子需要加强", "租房给学生上课", "晚上带上练习册去老地方上课"),
    ),
    ("hedonism", "纪检组", "school", ("培训朋友圈全是景点合影", "学习之余放松一下其实是旅游", "外出学习变成游山玩水")),
]

# Places a complaint may name: syllables combined into fictional names.
_CORES = [
    "东湖",
    "西山",
    "南岭",
    "北塘",
    "青石",
    "白鹭",
    "松林",
    "柳溪",
    "桃园",
    "杏花",
    "梨山",
    "枫桥",
    "竹园",
    "兰亭",
    "金沙",
    "银杏",
    "红旗",
    "向阳",
    "光明",
    "新华",
    "胜利",
    "和平",
    "文昌",
    "育才",
    "明德",
    "启智",
    "星光",
    "朝阳",
    "翠湖",
    "凤凰",
    "龙门",
    "虎山",
    "鹤鸣",
    "云台",
    "清水",
    "长安",
    "永丰",
    "丰收",
    "黄土",
    "河口",
]
_TOWNS = ["安平", "大坪", "石门", "双河", "高桥", "三江", "马坊", "沙溪", "花桥", "黄岭", "白石", "新集"]
_INSTITUTIONS = [
    "学而思源",
    "状元桥",
    "优学汇",
    "育才课堂",
    "智多星",
    "小天才",
    "博学堂",
    "英才教育",
    "乐学营",
    "未来之星",
]
_AREAS = ["锦绣花园", "阳光新城", "滨河家园", "幸福小区", "金色华庭", "翠竹苑", "江南新村", "东方家园"]
_NUMERALS = "一二三四五六七八九"
_OFFICES = {
    "办公室": "局办公室",
    "基础教育股": "基础教育股",
    "人事股": "人事股",
    "计划财务股": "计划财务股",
    "招生考试中心": "招生考试中心",
    "督导室": "督导室",
    "学前教育股": "学前教育股",
}
_CITY = ("江州", "云城", "宁川", "安阳", "清河")

_OPENERS = {
    "hotline_12345": ("市民来电反映：", "来电人称", "12345工单：诉求人反映", "群众来电：", "来电人反映"),
    "online_form": ("", "我想反映一个问题，", "请教育局重视：", "网上留言：", "局长您好，"),
    "suggestion_box": ("", "", "建议："),
    "forum": ("座谈会记录：家长代表提出，", "座谈会上有代表反映，", "家委会座谈：有家长提出"),
    "leader_visit": ("局长接访：", "领导接访时家长反映，", "接访记录："),
    "inspection_feedback": ("督查发现：", "专项检查：", "暗访核实：", "局自查："),
    "report": ("实名举报：", "匿名举报：", "我要举报，", "举报："),
    "media": ("网友发帖：", "本地论坛网帖称，", "有家长在网上发帖，", "媒体报道："),
}
_CLOSERS = (
    "",
    "",
    "请有关部门核查。",
    "希望尽快解决。",
    "请教育局管一管。",
    "这合理吗？",
    "要求严肃处理。",
    "家长意见很大。",
)
_DETAILS = (
    "孩子读{grade}。",
    "已经反映过两次了。",
    "好多家长都有意见。",
    "这种情况持续很久了。",
    "涉及{n}名学生。",
    "",
)
_GRADES = ("一年级", "三年级", "五年级", "初一", "初二", "初三", "高一", "高二")


@dataclass(frozen=True)
class Place:
    full: str
    short: str
    kind: str  # school, kindergarten, vocational, private, institution, area, office


@dataclass(frozen=True)
class SynthOpinion:
    id: str
    text: str
    channel: str
    cluster: str
    category: str
    unit: str
    place: str = ""  # the place as generated (full name)
    issue: int = -1  # which issue of ISSUES

    @property
    def problem(self) -> str:
        """The problem by definition: same place and same issue. Two generated clusters can be one problem (the
        generator draws the same issue at the same place twice); grouping them together is right, not an error."""
        return f"{self.place}|{self.issue}"


# For benchmarks at city scale: thousands of distinct school names from two syllable pools.
_FIRST = "东西南北青白松柳桃杏梨枫竹兰金银红光新胜文育明启星朝翠凤龙虎鹤云清永丰黄湖峰泉塘华安宁康泰兴茂荣昌"
_SECOND = "湖山林峰岭泉溪塘桥阳华安平宁康泰兴盛茂荣昌源川江河洲坪坝园庄岗"


def _place(rng: random.Random, where: str, unit: str, many: bool = False) -> Place:
    city = rng.choice(_CITY)
    core = rng.choice(_FIRST) + rng.choice(_SECOND) if many else rng.choice(_CORES)
    if where == "office":
        name = _OFFICES.get(unit, unit)
        return Place(name, name, "office")
    if where == "institution":
        name = rng.choice(_INSTITUTIONS)
        suffix = rng.choice(("培训学校", "培训中心", "教育", "托管班"))
        return Place(f"“{name}{suffix}”", name, "institution")
    if where == "area":
        area = rng.choice(_AREAS)
        return Place(area, area, "area")
    if where == "kindergarten":
        return Place(f"{city}市{core}幼儿园", f"{core}幼儿园", "kindergarten")
    if where == "vocational":
        return Place(f"{city}{core}职业学校", f"{core}职校", "vocational")
    if where == "private":
        return Place(f"{core}外国语学校", f"{core}外国语", "private")
    options = ["primary", "middle", "number", "town"] if where == "school" else [where]
    if where == "school" and rng.random() < 0.25:
        where = rng.choice(("private", "vocational", "kindergarten"))
        return _place(rng, where, unit, many)
    pick = rng.choice(options)
    if pick == "primary":
        return Place(f"{city}市{core}小学", f"{core}小学", "school")
    if pick == "middle":
        return Place(f"{city}市{core}初级中学", f"{core}初中", "school")
    if pick == "private":
        return Place(f"{core}外国语学校", f"{core}外国语", "private")
    if pick == "number":
        n = rng.choice(_NUMERALS)
        return Place(f"{city}{n}中", f"{n}中", "school")
    town = rng.choice(_TOWNS)
    return Place(f"{town}镇中心校", f"{town}中心校", "school")


def _route(category: str, unit: str, place: Place) -> str:
    if place.kind == "private" and category in ("oversized_class", "enrollment", "illegal_fees"):
        return "民办教育管理股"
    if place.kind == "vocational" and category in ("enrollment", "illegal_fees"):
        return "职业教育股"
    return unit


def _opinion(rng: random.Random, phrasings: tuple[str, ...], place: Place) -> tuple[str, str]:
    channel = rng.choice(list(_OPENERS))
    k = rng.choice((1, 1, 2, 2, 3))
    chosen = rng.sample(phrasings, min(k, len(phrasings)))
    body = "，".join(chosen)
    name = place.full if rng.random() < 0.5 else place.short
    if rng.random() < 0.08 and place.kind != "office":
        name = ""
    detail = rng.choice(_DETAILS).format(grade=rng.choice(_GRADES), n=rng.randint(10, 80))
    if channel == "suggestion_box" and rng.random() < 0.5:
        text = f"{body}。{name}{rng.choice(('家长', '学生', '一位老师', ''))}"
    elif rng.random() < 0.5:
        text = f"{rng.choice(_OPENERS[channel])}{name}{body}。{detail}{rng.choice(_CLOSERS)}"
    else:
        text = f"{rng.choice(_OPENERS[channel])}{body}，{name and '说的是' + name + '。'}{detail}{rng.choice(_CLOSERS)}"
    return text, channel


def generate(
    n_opinions: int, *, seed: int = 7, mean_cluster: float = 4.0, many_places: bool = False
) -> Iterator[SynthOpinion]:
    """`n_opinions` opinions in clusters of 1–12 (geometric-ish around `mean_cluster`).

    many_places draws school names from ~2,000 combinations instead of 40, as a city-wide hotline sees."""
    rng = random.Random(seed)
    made = 0
    cluster = 0
    while made < n_opinions:
        cluster += 1
        drawn = rng.choice(ISSUES)
        category, unit, where, phrasings = drawn
        place = _place(rng, where, unit, many_places)
        routed = _route(category, unit, place)
        size = min(12, max(1, int(rng.expovariate(1 / mean_cluster)) + 1))
        for _ in range(min(size, n_opinions - made)):
            made += 1
            text, channel = _opinion(rng, phrasings, place)
            yield SynthOpinion(
                f"S{made:07d}", text, channel, f"G{cluster:06d}", category, routed, place.full, ISSUES.index(drawn)
            )
